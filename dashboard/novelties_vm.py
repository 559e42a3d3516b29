"""«Novedades y atrasos» for the room's view: geodata.novelties for the viewer's place,
in the room's read cache until the next load (a wall screen and its operator ask for the
same place every minute)."""

from __future__ import annotations

import datetime as dt
from sqlalchemy import Engine

from dashboard.operations_vm import local_time
from dashboard.view import View
from dashboard.viewmodels import cached_read
from geodata.access import NATIONAL, Scope, ScopeError
from geodata import visits
from geodata.hotspots import HotspotRule
from geodata.novelties import SpikeRule, novelties
from geodata.place import resolve_place
from geodata.settings import Settings

# The relative periods beside the date range: key -> label (`period_dates` turns one into dates).
RELATIVE_PERIODS: dict[str, str] = {
    "7": "Últimos 7 días",
    "21": "21 días",
    "30": "30 días",
    "90": "90 días",
    "month": "Este mes",
    "all": "Todo",
}


def period_dates(key: str, today: dt.date | None = None) -> tuple[str | None, str | None] | None:
    """(from, to) ISO dates of a relative period ending today; (None, None) for «Todo»;
    None for an unknown key."""
    today = today or dt.date.today()
    if key == "all":
        return None, None
    if key == "month":
        return today.replace(day=1).isoformat(), today.isoformat()
    if key in RELATIVE_PERIODS:
        return (today - dt.timedelta(days=int(key) - 1)).isoformat(), today.isoformat()
    return None


def open_room(engine: Engine, username: str | None, settings: Settings) -> None:
    """A signed-in user opened the room: note the visit (geodata.visits). Nobody signed in
    (open access, the demo without users): nothing is written."""
    if not username:
        return
    with engine.begin() as conn:
        visits.record_visit(conn, username, dt.timedelta(minutes=settings.visit_gap_minutes))


def room_novelties(engine: Engine, view: View, scope: Scope = NATIONAL, settings: Settings | None = None,
                   today: dt.date | None = None, username: str | None = None) -> dict:
    """The panel's data for the view's territory (the country, or the scope's own, if unknown);
    with a signed-in `username` back from an earlier visit, also what is new since it
    (`since`: None when there is nothing to compare with)."""
    settings = settings or Settings(_env_file=None)
    today = today or dt.date.today()
    rule = SpikeRule(days=settings.spike_days, k=settings.spike_k)
    hot = HotspotRule(days=settings.hotspot_days, ratio=settings.hotspot_ratio, min_cases=settings.hotspot_min_cases,
                     z=settings.hotspot_z)
    with engine.connect() as conn:
        try:
            place = resolve_place(conn, view.territory, scope)
        except ScopeError:
            place = resolve_place(conn, None, scope)
        data = cached_read(conn, ("novelties", place.code, scope, today, rule, hot),
                           lambda: novelties(conn, place, today, rule, hot))
        base = visits.last_visit(conn, username)
        since = None
        if base is not None:
            since = cached_read(conn, ("new_since", place.code, scope, today, base),
                                lambda: visits.new_since(conn, place, base, today, settings.zone))
            since = {**since, "label": local_time(base, settings.zone)}
    return {**data, "since": since}
