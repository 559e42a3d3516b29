"""Notifications of new alerts: a room subscribes to alert kinds under a territory of its
scope, and each new alert goes to the subscription's webhook (HTTP POST of JSON) or
e-mail address (SMTP).

Alerts are derived, never stored (`geodata.alerts`); what is stored is one
`notify_delivery` per (subscription, alert key), so an alert is sent once. The first time
a subscription is looked at, the alerts already there are recorded as `baseline` (known
when the room subscribed, not sent); after that each alert key not seen before is
`pending` until `send_pending` delivers it: up to SALA_NOTIFY_ATTEMPTS tries, waiting
SALA_NOTIFY_BACKOFF seconds before the second and twice as long before each next one,
each try recorded in `notify_attempt` (when, ok, error); a delivery that fails every try
is `failed` with its last error. `run` does both; `sala notify` and every load call it.

Writes take the acting `Actor`: the role must allow subscribing, the room is the actor's
own scope, the territory watched must be inside it, and each change is audited.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import smtplib
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, delete, func, insert, literal, select, update
from sqlalchemy.orm import aliased

from geodata import alerts as alerts_mod
from geodata import errors as sala_errors
from geodata.access import Scope, ScopeError
from geodata.models import AuditLog, Territory
from geodata.permissions import Action, Actor
from geodata.settings import Settings, get_settings
from geodata.team_models import NotifyAttempt, NotifyDelivery, NotifySubscription
from geodata.territory import path_labels
from geodata.vocab import NOTIFY_CHANNELS

log = logging.getLogger(__name__)
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
MAX_TARGET = 500
BATCH = 500  # deliveries sent per call of send_pending
MAX_ERROR = 500
KIND_LABELS = {
    "case_overdue": "Caso vencido",
    "agreement_overdue": "Acuerdo vencido",
    "clap_no_delivery": "CLAP sin entrega reciente",
    "project_not_moving": "Proyecto financiado sin avance",
}


class NotifyError(sala_errors.InvalidInput):
    """A subscription that cannot be saved; the message (Spanish) is shown as is."""


def _room_id(conn: Connection, scope: Scope) -> int | None:
    if scope.national:
        return None
    return conn.execute(select(Territory.id).where(Territory.code == scope.territory_code)).scalar_one()


def _room_is(room_id: int | None):
    return NotifySubscription.room_territory_id.is_(None) if room_id is None else NotifySubscription.room_territory_id == room_id


def host_allowed(url: str, settings: Settings) -> bool:
    """Whether a webhook URL's host is in SALA_WEBHOOK_ALLOWED_HOSTS (exactly, or under a
    `*.domain` entry). An empty list allows none: only what an administrator configured."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return False
    if not host:
        return False
    for allowed in settings.webhook_hosts:
        if host == allowed or (allowed.startswith("*.") and host.endswith(allowed[1:])):
            return True
    return False


def _refusal(url: str) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    return (f"Webhook: el host «{host[:100]}» no está entre los permitidos (SALA_WEBHOOK_ALLOWED_HOSTS); "
            "pida a un administrador que lo autorice.")


def _target(channel, target) -> str:
    if channel not in NOTIFY_CHANNELS:
        raise NotifyError(f"Canal desconocido: «{str(channel)[:20]}».")
    if not isinstance(target, str) or "\x00" in target or not target.strip():
        raise NotifyError("Falta el destino: la dirección del webhook o el correo.")
    target = target.strip()
    if len(target) > MAX_TARGET:
        raise NotifyError(f"Destino demasiado largo (máximo {MAX_TARGET} caracteres).")
    if channel == "webhook":
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in target):
            raise NotifyError("Webhook: se espera una dirección http:// o https:// completa.")
    elif not _EMAIL.match(target):
        raise NotifyError("Correo: no es una dirección válida.")
    return target


def subscribe(conn: Connection, actor: Actor, *, kinds, territory_code, channel, target,
              settings: Settings | None = None) -> int:
    """Subscribe the actor's room to `kinds` (empty: every kind) of alerts under
    `territory_code` (None: the room's whole territory); returns the subscription's id.
    A webhook's host must be in `settings.webhook_hosts` (it is never fetched to find out)."""
    actor.require(Action.SUBSCRIBE)
    kinds = list(kinds or ())
    unknown = [k for k in kinds if k not in alerts_mod.ALERT_KINDS]
    if unknown or len(kinds) > len(alerts_mod.ALERT_KINDS):
        raise NotifyError(f"Tipo de alerta desconocido: «{str(unknown[:1])[:40]}».")
    target = _target(channel, target)
    territory_id = None
    if territory_code:
        row = conn.execute(select(Territory.id, Territory.path).where(Territory.code == str(territory_code)[:32])).one_or_none()
        if row is None or not actor.scope.allows(row.path):
            raise ScopeError(str(territory_code)[:32])
        territory_id = row.id
    else:
        territory_id = _room_id(conn, actor.scope)
    if channel == "webhook" and not host_allowed(target, settings or get_settings()):
        raise NotifyError(_refusal(target))
    room = _room_id(conn, actor.scope)
    sub_id = conn.execute(
        insert(NotifySubscription).values(room_territory_id=room, territory_id=territory_id, kinds=kinds, channel=channel,
                                          target=target, created_by=actor.username).returning(NotifySubscription.id)
    ).scalar_one()
    conn.execute(insert(AuditLog).values(
        username=actor.username, action="notify_subscribe", target=f"subscription:{sub_id}",
        detail={"room": actor.scope.territory_code, "territory": territory_code, "kinds": kinds, "channel": channel,
                "target": target},
    ))
    return sub_id


def unsubscribe(conn: Connection, actor: Actor, subscription_id) -> None:
    """Remove one of the actor's room's subscriptions (another room's reads as unknown)."""
    actor.require(Action.SUBSCRIBE)
    if isinstance(subscription_id, bool) or not isinstance(subscription_id, int) or not 0 < subscription_id < 2**63:
        raise NotifyError("Suscripción desconocida.")
    gone = conn.execute(
        delete(NotifySubscription)
        .where(NotifySubscription.id == subscription_id, _room_is(_room_id(conn, actor.scope)))
        .returning(NotifySubscription.target)
    ).scalar()
    if gone is None:
        raise NotifyError("Suscripción desconocida.")
    conn.execute(insert(AuditLog).values(username=actor.username, action="notify_unsubscribe",
                                         target=f"subscription:{subscription_id}", detail={"target": gone}))


def subscriptions(conn: Connection, scope: Scope) -> list[dict]:
    """The room's subscriptions, newest first, each with its delivery counts by status."""
    t = aliased(Territory)
    counts = (
        select(NotifyDelivery.subscription_id, NotifyDelivery.status, func.count().label("n"))
        .group_by(NotifyDelivery.subscription_id, NotifyDelivery.status).subquery()
    )
    rows = conn.execute(
        select(NotifySubscription.id, NotifySubscription.kinds, NotifySubscription.channel, NotifySubscription.target,
               NotifySubscription.created_by, NotifySubscription.created_at, t.code.label("territory_code"))
        .outerjoin(t, t.id == NotifySubscription.territory_id)
        .where(_room_is(_room_id(conn, scope)))
        .order_by(NotifySubscription.id.desc())
    ).mappings().all()
    by_sub: dict[int, dict[str, int]] = {}
    if rows:
        for r in conn.execute(select(counts).where(counts.c.subscription_id.in_([r["id"] for r in rows]))):
            by_sub.setdefault(r.subscription_id, {})[r.status] = r.n
    places = path_labels(conn, {r["territory_code"] for r in rows if r["territory_code"]})
    return [{**dict(r), "territory": places.get(r["territory_code"], {}).get("path") or "Todo el país",
             "counts": by_sub.get(r["id"], {})} for r in rows]


def deliveries(conn: Connection, scope: Scope, limit: int = 20) -> list[dict]:
    """The room's latest deliveries (not the baseline), newest first, with their last error."""
    rows = conn.execute(
        select(NotifyDelivery.id, NotifyDelivery.alert_key, NotifyDelivery.payload, NotifyDelivery.status, NotifyDelivery.attempts,
               NotifyDelivery.last_error, NotifyDelivery.created_at, NotifyDelivery.sent_at, NotifySubscription.channel,
               NotifySubscription.target)
        .join(NotifySubscription, NotifySubscription.id == NotifyDelivery.subscription_id)
        .where(_room_is(_room_id(conn, scope)), NotifyDelivery.status != "baseline")
        .order_by(NotifyDelivery.id.desc()).limit(max(1, min(limit, 200)))
    ).mappings().all()
    return [dict(r) for r in rows]


def enqueue(conn: Connection, today: dt.date | None = None) -> int:
    """Record the alerts each active subscription has not seen: `baseline` the first time,
    `pending` after. Returns how many are pending now."""
    today = today or dt.date.today()
    subs = conn.execute(
        select(NotifySubscription.id, NotifySubscription.kinds, NotifySubscription.baselined, Territory.path)
        .outerjoin(Territory, Territory.id == NotifySubscription.territory_id)
        .where(NotifySubscription.active.is_(True))
        .order_by(NotifySubscription.id)
        .with_for_update(of=NotifySubscription, skip_locked=True)
    ).all()
    for sub in subs:
        t = aliased(Territory)
        u = alerts_mod.current(t, sub.path, tuple(sub.kinds or ()), today)
        payload = func.jsonb_build_object("kind", u.c.kind, "code", u.c.code, "key", u.c.key,
                                          "territory_code", u.c.territory_code, "since", u.c.since)
        status = "pending" if sub.baselined else "baseline"
        source = select(literal(sub.id), u.c.key, payload, literal(status)).where(
            ~select(NotifyDelivery.id).where(NotifyDelivery.subscription_id == sub.id, NotifyDelivery.alert_key == u.c.key)
            .exists()
        )
        conn.execute(insert(NotifyDelivery).from_select(["subscription_id", "alert_key", "payload", "status"], source))
        if not sub.baselined:
            conn.execute(update(NotifySubscription).where(NotifySubscription.id == sub.id).values(baselined=True))
    return conn.execute(select(func.count()).select_from(NotifyDelivery).where(NotifyDelivery.status == "pending")).scalar_one()


def _message(conn: Connection, payload: dict, today: dt.date) -> dict:
    """The alert as sent: its payload with its Spanish label, kind and territory path."""
    key = payload["key"]
    label = alerts_mod.labels(conn, [key]).get(key, payload.get("code"))
    place = path_labels(conn, {payload["territory_code"]}).get(payload["territory_code"], {})
    since = payload.get("since")
    days = (today - dt.date.fromisoformat(since)).days if since else None
    return {**payload, "kind_label": KIND_LABELS.get(payload["kind"], payload["kind"]), "label": label,
            "territory_name": place.get("name"), "territory_path": place.get("path"), "days": days}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook's redirect is not followed (it could lead off the allow-list): it fails."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: dict, settings: Settings) -> None:
    if not host_allowed(url, settings):  # the allow-list changed since it subscribed: never fetched
        raise ValueError(_refusal(url))
    data = json.dumps(body, ensure_ascii=False, default=str).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "Sala/notify"})
    try:
        with _OPENER.open(request, timeout=settings.webhook_timeout) as response:  # noqa: S310 (http/https only)
            if not 200 <= response.status < 300:
                raise OSError(f"HTTP {response.status}")
    except urllib.error.HTTPError as exc:
        raise OSError(f"HTTP {exc.code} {exc.reason}") from None


def _mail(to: str, body: dict, settings: Settings) -> None:
    if not settings.smtp_host:
        raise OSError("SMTP no configurado (SALA_SMTP_HOST)")
    message = EmailMessage()
    message["From"], message["To"] = settings.smtp_from, to
    message["Subject"] = f"[Sala] {body['kind_label']}: {body['label']}"[:200]
    lines = [f"{body['kind_label']}: {body['label']}", f"Territorio: {body.get('territory_path') or body['territory_code']}"]
    if body.get("since"):
        lines.append(f"Desde: {body['since']} ({body['days']} días)")
    lines += ["", f"Clave de la alerta: {body['key']}", "— Sala de Autogobierno (notificación automática)"]
    message.set_content("\n".join(lines))
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.webhook_timeout) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        smtp.send_message(message)


SINKS = {"webhook": _post, "email": _mail}


def send_pending(engine: Engine, settings: Settings | None = None, *, today: dt.date | None = None, sleep=time.sleep) -> dict:
    """Deliver the pending notifications (a batch): each in its own transaction, tried up
    to `notify_attempts` times with a doubling wait, each try recorded. Returns counts."""
    settings = settings or get_settings()
    today = today or dt.date.today()
    sent = failed = 0
    with engine.connect() as conn:
        ids = conn.execute(
            select(NotifyDelivery.id).where(NotifyDelivery.status == "pending").order_by(NotifyDelivery.id).limit(BATCH)
        ).scalars().all()
    for delivery_id in ids:
        with engine.begin() as conn:
            row = conn.execute(
                select(NotifyDelivery.payload, NotifyDelivery.attempts, NotifySubscription.channel, NotifySubscription.target,
                       NotifySubscription.id.label("sub"))
                .join(NotifySubscription, NotifySubscription.id == NotifyDelivery.subscription_id)
                .where(NotifyDelivery.id == delivery_id, NotifyDelivery.status == "pending")
                .with_for_update(of=NotifyDelivery, skip_locked=True)
            ).one_or_none()
            if row is None:  # sent meanwhile by another run
                continue
            body = _message(conn, row.payload, today)
            body["subscription"] = row.sub
            error = None
            # A webhook whose host is no longer allowed fails at once, one try recorded, nothing fetched.
            tries = settings.notify_attempts if row.channel != "webhook" or host_allowed(row.target, settings) else 1
            for attempt in range(tries):
                if attempt:
                    sleep(min(settings.notify_backoff * 2 ** (attempt - 1), 60))
                try:
                    SINKS[row.channel](row.target, body, settings)
                    error = None
                except (OSError, smtplib.SMTPException, ValueError) as exc:
                    error = (str(exc) or type(exc).__name__)[:MAX_ERROR]
                conn.execute(insert(NotifyAttempt).values(delivery_id=delivery_id, ok=error is None, error=error))
                if error is None:
                    break
            done = {"status": "sent", "sent_at": func.now()} if error is None else {"status": "failed"}
            conn.execute(
                update(NotifyDelivery).where(NotifyDelivery.id == delivery_id)
                .values(attempts=NotifyDelivery.attempts + attempt + 1, last_error=error, payload=body, **done)
            )
        sent, failed = (sent + 1, failed) if error is None else (sent, failed + 1)
    return {"sent": sent, "failed": failed}


def has_subscriptions(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(NotifySubscription.id).where(NotifySubscription.active.is_(True)).limit(1)).first() is not None


def run(engine: Engine, settings: Settings | None = None, *, today: dt.date | None = None, sleep=time.sleep) -> dict:
    """Record the new alerts of every subscription, then send the pending ones."""
    if not has_subscriptions(engine):
        return {"pending": 0, "sent": 0, "failed": 0}
    with engine.begin() as conn:
        pending = enqueue(conn, today)
    return {"pending": pending, **send_pending(engine, settings, today=today, sleep=sleep)}


def after_change(engine: Engine) -> dict | None:
    """What a load calls once it committed: notify the new alerts, never failing the load."""
    try:
        return run(engine)
    except Exception:  # noqa: BLE001 (a notification problem must not undo a committed load)
        log.exception("notificaciones: no se pudieron enviar tras la carga")
        return None
