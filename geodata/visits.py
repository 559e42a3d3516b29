"""«Nuevo desde su última visita»: each signed-in user's visits to the room, and what
arrived in their scope since the last one.

A visit is a run of openings of the room, each within `gap` of the one before: a wall
screen that reloads every few minutes stays in one visit, so its «desde» does not creep
up to the last reload. Opening the room after a longer pause starts a new visit, whose
base (`previous_at`) is the last time the user was seen in the one before.

The write is the user's own row, keyed by the signed-in user's name (from the server's
session, never from the browser). What is counted since then is read under the user's
`Place` (scope-checked by `geodata.place.resolve_place`):

- new cases: cases that arrived in the system (`created_at`) since;
- new alerts: alerts (geodata.alerts) whose first late day came after the visit's day;
- new overdue: of those, the cases that became overdue.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, case, func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import aliased

from geodata.alerts import ALERT_KINDS, alert_rows
from geodata.models import AppUser, Case, RoomVisit, Territory
from geodata.place import Place

DEFAULT_GAP = dt.timedelta(minutes=60)


def record_visit(conn: Connection, username: str | None, gap: dt.timedelta = DEFAULT_GAP,
                 now: dt.datetime | None = None) -> dt.datetime | None:
    """Note that `username` opened the room (nothing for nobody or an unknown user) and
    return the base of «nuevo desde»: the last time seen before this visit, or None on a
    first visit."""
    if not username:
        return None
    user_id = conn.execute(select(AppUser.id).where(AppUser.username == username, AppUser.active.is_(True))).scalar()
    if user_id is None:
        return None
    at = now if now is not None else conn.execute(select(func.now())).scalar_one()
    stmt = insert(RoomVisit).values(user_id=user_id, seen_at=at, visit_started_at=at, previous_at=None)
    old = RoomVisit.__table__.c
    new_visit = literal(at) - old.seen_at > literal(gap)
    stmt = stmt.on_conflict_do_update(
        index_elements=[RoomVisit.user_id],
        set_={
            "seen_at": func.greatest(old.seen_at, stmt.excluded.seen_at),
            "visit_started_at": case((new_visit, stmt.excluded.visit_started_at), else_=old.visit_started_at),
            "previous_at": case((new_visit, old.seen_at), else_=old.previous_at),
        },
    ).returning(RoomVisit.previous_at)
    return conn.execute(stmt).scalar()


def last_visit(conn: Connection, username: str | None) -> dt.datetime | None:
    """The base of «nuevo desde» for the user's current visit (None: first visit, or nobody)."""
    if not username:
        return None
    return conn.execute(
        select(RoomVisit.previous_at).join(AppUser, AppUser.id == RoomVisit.user_id).where(AppUser.username == username)
    ).scalar()


def new_since(conn: Connection, place: Place, since: dt.datetime, today: dt.date, zone: dt.tzinfo | None = None) -> dict:
    """What arrived under the place since `since`: new cases, new alerts, new overdue cases
    (alerts by day: the visit's day in `zone`, the room's local time)."""
    t = aliased(Territory)
    cases = conn.execute(
        select(func.count()).select_from(Case).join(t, t.id == Case.territory_id)
        .where(Case.created_at > since, place.condition(t.path))
    ).scalar_one()
    # An alert is new when its first late day (the day after `late_since`) came after the visit's day.
    a = alert_rows(t, today, [place.condition(t.path)], ALERT_KINDS)
    since_day = since.astimezone(zone).date() if zone else since.date()
    rows = conn.execute(
        select(a.c.kind, func.count().label("n")).where(a.c.late_since.isnot(None), a.c.late_since >= since_day)
        .group_by(a.c.kind)
    ).all()
    by_kind = {r.kind: r.n for r in rows}
    return {"since": since.isoformat(), "cases": cases, "alerts": sum(by_kind.values()),
            "overdue": by_kind.get("case_overdue", 0)}
