"""The functions behind operator mode and the alerts page: refresh with news, alerts,
acknowledgements and the shift log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from dashboard import texts
from dashboard import viewmodels as vm
from dashboard.view import View
from geodata import operations, records
from geodata.access import NATIONAL, Scope
from geodata.settings import Settings


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
        since = dt.datetime.fromisoformat(marker["since"]) if marker and marker.get("since") else now
        place = vm.locate(conn, view.territory, scope)
        counts = records.news_since(conn, since, place.code, scope)
    room = vm.room(engine, view, scope, settings, base_url=base_url)
    lines = news_lines(counts)
    headline = (texts.NEWS_SOME if lines else texts.NEWS_NONE).format(time=_clock(since.isoformat()))
    return Refresh(room, lines, headline, bool(lines), {"since": now.isoformat()}, counts)


def alerts_view(engine: Engine, code: str | None, scope: Scope = NATIONAL, today: dt.date | None = None) -> dict:
    """Alerts of a territory with Spanish kind labels and counts, for the alerts page."""
    with engine.connect() as conn:
        data = operations.alerts(conn, code, scope, today)
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
    except operations.OperationError as exc:
        return str(exc)
    return None


def acknowledge(engine: Engine, key: str, username: str | None, note: str | None) -> str | None:
    """Save an acknowledgement; returns an error message for the screen, or None."""
    return _save(engine, operations.acknowledge, key, username, note)


def add_shift_note(engine: Engine, username: str | None, note: str | None, territory_code: str | None) -> str | None:
    """Add a note to the shift log; returns an error message for the screen, or None."""
    return _save(engine, operations.add_shift_note, username, note, territory_code)


def shift_notes(engine: Engine, territory_code: str | None, scope: Scope = NATIONAL) -> list[dict]:
    with engine.connect() as conn:
        return operations.shift_notes(conn, territory_code, scope)
