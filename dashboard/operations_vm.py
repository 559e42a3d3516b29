"""The functions behind operator mode and the alerts page: refresh with news, alerts,
acknowledgements and the shift log.

Writes act as the signed-in `Actor`; `geodata.operations` checks the role and the scope
and picks the room, so nothing here (or in the browser) chooses where a write goes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from dashboard import texts
from dashboard import viewmodels as vm
from dashboard.view import View
from geodata import operations, records
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.permissions import Action, Actor, PermissionDenied
from geodata.settings import Settings
from geodata.territory import resolve


def start_marker(engine: Engine) -> dict:
    """Where operator mode starts counting news from: the database's clock, now."""
    with engine.connect() as conn:
        return {"since": records.database_now(conn).isoformat()}


def _clock(iso: str) -> str:
    return dt.datetime.fromisoformat(iso).strftime("%H:%M:%S")


@dataclass
class Refresh:
    room: vm.Room
    items: list[str]
    headline: str
    has_news: bool
    marker: dict
    counts: dict


def news_lines(counts: dict[str, int]) -> list[str]:
    return [texts.NEWS_ITEMS[k].format(n=n) for k, n in counts.items() if n and k in texts.NEWS_ITEMS]


def refresh(
    engine: Engine, view: View, marker: dict | None, scope: Scope = NATIONAL, settings: Settings | None = None, base_url: str = ""
) -> Refresh:
    """The same view, recomputed, plus what arrived since the last refresh (`marker`)."""
    with engine.connect() as conn:
        now = records.database_now(conn)
        since = _since(marker, now)
        try:
            place = vm.locate(conn, view.territory, scope)
        except ScopeError:  # a view of another room: the news of the user's own (vm.room says why)
            place = vm.locate(conn, None, scope)
        counts = records.news_since(conn, since, place.code, scope)
    room = vm.room(engine, view, scope, settings, base_url=base_url)
    lines = news_lines(counts)
    headline = (texts.NEWS_SOME if lines else texts.NEWS_NONE).format(time=_clock(since.isoformat()))
    return Refresh(room, lines, headline, bool(lines), {"since": now.isoformat()}, counts)


def _since(marker, now: dt.datetime) -> dt.datetime:
    """When the last refresh was, from the page's store (now, for anything unreadable)."""
    try:
        since = dt.datetime.fromisoformat(marker["since"])
    except (TypeError, KeyError, ValueError):
        return now
    return since if since.tzinfo is not None else now


def alerts_view(engine: Engine, code: str | None, scope: Scope = NATIONAL, today: dt.date | None = None) -> dict:
    """Alerts of a territory with Spanish kind labels and counts, for the alerts page. A
    territory unknown or outside the scope gives the scope's own alerts and `error`."""
    error = None
    with engine.connect() as conn:
        try:
            data = operations.alerts(conn, code, scope, today)
        except ScopeError:
            error = texts.NOT_FOUND.format(code=code)
            code = scope.territory_code
            data = operations.alerts(conn, code, scope, today)
    data["territory"], data["error"] = code, error
    for item in data["items"]:
        item["kind_label"] = texts.ALERT_KINDS[item["kind"]]
        ack = item["ack"]
        item["ack_text"] = (
            texts.OPS_ACKED.format(user=ack["username"] or "—", at=ack["at"].replace("T", " "), note=ack["note"]) if ack else ""
        )
    data["summary"] = [{"kind": k, "label": texts.ALERT_KINDS[k], "count": n} for k, n in data["counts"].items()]
    return data


def _save(engine: Engine, write, *args) -> str | None:
    """Run one of `operations`' writes in its own transaction; its refusal as the screen's message, or None."""
    try:
        with engine.begin() as conn:
            write(conn, *args)
    except (operations.OperationError, PermissionDenied) as exc:
        return str(exc)
    return None


def acknowledge(engine: Engine, actor: Actor, key, note) -> str | None:
    """Save an acknowledgement; returns an error message for the screen, or None."""
    return _save(engine, operations.acknowledge, actor, key, note)


def add_shift_note(engine: Engine, actor: Actor, note) -> str | None:
    """Add a note to the log of the actor's room; returns an error message for the screen, or None."""
    return _save(engine, operations.add_shift_note, actor, note)


def shift_notes(engine: Engine, scope: Scope = NATIONAL) -> list[dict]:
    """The log of the scope's room."""
    with engine.connect() as conn:
        return operations.shift_notes(conn, scope)


def controls(actor: Actor) -> dict:
    """Which of the page's write controls the actor's role has (the writes check again)."""
    return {"acknowledge": actor.may(Action.ACKNOWLEDGE), "shift_log": actor.may(Action.SHIFT_LOG)}


def territory_name(engine: Engine, code: str) -> str:
    with engine.connect() as conn:
        node = resolve(conn, code)
    return node.name if node else code
