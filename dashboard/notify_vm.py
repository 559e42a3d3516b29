"""The notifications section of /operador: the room's subscriptions and latest deliveries
in Spanish, and the writes behind its form. `geodata.notify` checks role, the room's scope
and the values, and audits; nothing here decides whether a write may happen."""

from __future__ import annotations

from sqlalchemy import Engine

from dashboard import texts
from dashboard.operations_vm import local_time
from geodata import notify
from geodata.access import ScopeError
from geodata.permissions import Action, Actor, PermissionDenied
from geodata.settings import Settings
from geodata.vocab import DELIVERY_STATUSES, NOTIFY_CHANNELS


def kind_options() -> list[dict]:
    return [{"label": texts.ALERT_KINDS[k], "value": k} for k in notify.alerts_mod.ALERT_KINDS]


def channel_options() -> list[dict]:
    return [{"label": label, "value": value} for value, label in NOTIFY_CHANNELS.items()]


def section(engine: Engine, actor: Actor, settings: Settings) -> dict:
    """`may_write`, `subscriptions` (each with its label lines) and `deliveries` of the actor's room."""
    with engine.connect() as conn:
        subs = notify.subscriptions(conn, actor.scope)
        sent = notify.deliveries(conn, actor.scope)
    zone = settings.zone
    return {
        "may_write": actor.may(Action.SUBSCRIBE),
        "subscriptions": [
            {"id": s["id"],
             "what": ", ".join(texts.ALERT_KINDS.get(k, k) for k in s["kinds"]) or texts.NOTIFY_ALL_KINDS,
             "where": s["territory"],
             "to": f"{NOTIFY_CHANNELS[s['channel']]}: {s['target']}",
             "counts": texts.NOTIFY_COUNTS.format(sent=s["counts"].get("sent", 0), failed=s["counts"].get("failed", 0),
                                                  pending=s["counts"].get("pending", 0)),
             "by": f"{s['created_by'] or '—'}, {local_time(s['created_at'], zone)}"}
            for s in subs
        ],
        "deliveries": [
            {"when": local_time(d["sent_at"] or d["created_at"], zone), "key": d["alert_key"],
             "label": (d["payload"] or {}).get("label") or d["alert_key"],
             "status": DELIVERY_STATUSES.get(d["status"], d["status"]), "status_code": d["status"],
             "attempts": d["attempts"], "error": d["last_error"] or "", "to": d["target"]}
            for d in sent
        ],
    }


def subscribe(engine: Engine, actor: Actor, *, kinds, territory, channel, target,
              settings: Settings | None = None) -> tuple[bool, str]:
    try:
        with engine.begin() as conn:
            notify.subscribe(conn, actor, kinds=kinds, territory_code=territory, channel=channel, target=target,
                             settings=settings)
    except (notify.NotifyError, PermissionDenied, ScopeError) as exc:
        return False, str(exc)
    return True, texts.NOTIFY_SUBSCRIBED


def unsubscribe(engine: Engine, actor: Actor, subscription_id) -> tuple[bool, str]:
    try:
        with engine.begin() as conn:
            notify.unsubscribe(conn, actor, subscription_id)
    except (notify.NotifyError, PermissionDenied) as exc:
        return False, str(exc)
    return True, texts.NOTIFY_REMOVED
