"""«Novedades y atrasos»: what is new and what is late under a place, for the first screen.

Plain data out (dicts of codes, names, paths and numbers); the room renders it. Every
query is scoped by the `Place` (`geodata.place.resolve_place` made the scope check).

- spikes: territories (municipalities at the national and state views, the place's
  children below) whose new cases in the last `days` exceed their own baseline,
  median + k·MAD of the previous `windows` windows of the same length (a robust rule:
  one past burst does not raise the bar much, and a quiet territory is not flagged for a
  couple of cases: the MAD has a floor of one case and the recent count must be at least
  `min_cases`);
- CLAP gaps: municipalities (or the place's children, below a municipality) by days
  since the last delivery to any of their CLAPs, found at that level (a state is never
  averaged: one municipality whose CLAPs stopped shows as itself);
- category hot spots: parishes (councils below a parish) where one category concentrates
  (geodata.hotspots);
- overdue agreements and stalled funded projects: counts, and the municipalities with most;
- silent communal councils (no report in SALA_SILENCE_DAYS): count, and where most are.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from sqlalchemy import Connection, Integer, cast, func, literal, select
from sqlalchemy.orm import aliased

from geodata.communal_models import DefensePlan, PeaceQuadrant
from geodata.hotspots import HotspotRule, hotspots
from geodata.models import Agreement, Case, Clap, ClapDelivery, Deposit, IndicatorSnapshot, Project, Territory
from geodata.operations import PROJECT_STILL_DAYS
from geodata.place import Place
from geodata.rules import CLAP_GAP_DAYS, agreement_overdue, defense_plan_stale, quadrant_stale
from geodata.territory import path_labels

MUNICIPALITY_DEPTH = 1


@dataclass(frozen=True)
class SpikeRule:
    days: int = 21
    k: float = 3.0
    windows: int = 8
    min_cases: int = 5


def unit_depth(place: Place) -> int:
    """The depth of the territories compared: municipalities at the country and state
    views, the place's children below (a leaf: itself and its siblings)."""
    if place.depth < MUNICIPALITY_DEPTH:
        return MUNICIPALITY_DEPTH
    return place.depth if place.leaf else place.depth + 1


def _unit_code(path_column, depth: int):
    # path `/01/0101/010101/…`: the code at depth d is part d + 2 of the split.
    return func.split_part(path_column, "/", depth + 2)


def is_spike(recent: int, previous: list[int], rule: SpikeRule) -> tuple[bool, float, float]:
    """(spiking, median, threshold) for a recent count against previous window counts."""
    if not previous:
        return False, 0.0, 0.0
    median = statistics.median(previous)
    mad = statistics.median(abs(x - median) for x in previous)
    threshold = median + rule.k * max(mad, 1.0)
    return recent >= rule.min_cases and recent > threshold, float(median), float(threshold)


def _paths(conn: Connection, codes: set[str]) -> dict[str, dict]:
    """For each code: its name, level and path label (`Estado › Municipio`)."""
    return path_labels(conn, codes)


def spikes(conn: Connection, place: Place, today: dt.date, rule: SpikeRule = SpikeRule(), limit: int = 5) -> list[dict]:
    """The spiking territories under the place, the strongest (recent over threshold) first."""
    t = aliased(Territory)
    depth = unit_depth(place)
    unit = _unit_code(t.path, depth).label("unit")
    window = cast(func.floor((literal(today) - Case.reported_date) / rule.days), Integer).label("w")
    start = today - dt.timedelta(days=rule.days * (rule.windows + 1) - 1)
    rows = conn.execute(
        select(unit, window, func.count().label("n"))
        .select_from(Case)
        .join(t, t.id == Case.territory_id)
        .where(Case.reported_date >= start, Case.reported_date <= today, t.depth >= depth, place.condition(t.path))
        .group_by(unit, window)
    ).all()
    counts: dict[str, list[int]] = {}
    for r in rows:
        if not r.unit or r.w is None or not 0 <= r.w <= rule.windows:
            continue
        counts.setdefault(r.unit, [0] * (rule.windows + 1))[r.w] = r.n
    found = []
    for code, series in counts.items():
        spiking, median, threshold = is_spike(series[0], series[1:], rule)
        if spiking:
            found.append({"code": code, "recent": series[0], "baseline": median, "threshold": threshold})
    found.sort(key=lambda s: (-(s["recent"] / max(s["threshold"], 1.0)), s["code"]))
    found = found[:limit]
    names = _paths(conn, {s["code"] for s in found})
    return [{**s, **names[s["code"]]} for s in found if s["code"] in names]


def clap_gaps(conn: Connection, place: Place, today: dt.date, limit: int = 5) -> list[dict]:
    """Territories (municipality level or below) whose CLAPs got no delivery in more than
    CLAP_GAP_DAYS, the longest gap first, with how many of their CLAPs are late."""
    t = aliased(Territory)
    depth = unit_depth(place)
    last = (
        select(ClapDelivery.clap_id, func.max(ClapDelivery.delivery_date).label("last_day"))
        .where(ClapDelivery.delivery_date <= today)
        .group_by(ClapDelivery.clap_id)
        .subquery()
    )
    unit = _unit_code(t.path, depth).label("unit")
    late = (last.c.last_day.is_(None)) | (last.c.last_day < today - dt.timedelta(days=CLAP_GAP_DAYS))
    newest = func.max(last.c.last_day).label("newest")
    rows = conn.execute(
        select(unit, newest, func.count().label("claps"), func.count().filter(late).label("late"))
        .select_from(Clap)
        .join(t, t.id == Clap.territory_id)
        .outerjoin(last, last.c.clap_id == Clap.id)
        .where(t.depth >= depth, place.condition(t.path))
        .group_by(unit)
        .having(func.coalesce(func.max(last.c.last_day), dt.date(1900, 1, 1)) < today - dt.timedelta(days=CLAP_GAP_DAYS))
        .order_by(func.max(last.c.last_day).asc().nulls_first(), unit)
        .limit(limit)
    ).all()
    names = _paths(conn, {r.unit for r in rows if r.unit})
    out = []
    for r in rows:
        if r.unit in names:
            out.append({**names[r.unit], "last_day": r.newest.isoformat() if r.newest else None,
                        "days": (today - r.newest).days if r.newest else None, "claps": r.claps, "late": r.late})
    return out


def _top_municipalities(conn: Connection, place: Place, rows) -> list[dict]:
    names = _paths(conn, {r.unit for r in rows if r.unit})
    return [{**names[r.unit], "count": r.n} for r in rows if r.unit in names]


def overdue_agreements(conn: Connection, place: Place, today: dt.date, limit: int = 3) -> dict:
    t = aliased(Territory)
    unit = _unit_code(t.path, max(MUNICIPALITY_DEPTH, place.depth)).label("unit")
    base = select(unit, func.count().label("n")).select_from(Agreement).join(t, t.id == Agreement.municipality_id).where(
        agreement_overdue(today), place.condition(t.path)
    ).group_by(unit)
    rows = conn.execute(base.order_by(func.count().desc(), unit)).all()
    return {"count": sum(r.n for r in rows), "top": _top_municipalities(conn, place, rows[:limit])}


def stalled_projects(conn: Connection, place: Place, today: dt.date, limit: int = 3) -> dict:
    """Funded projects (money deposited over PROJECT_STILL_DAYS ago) stalled or not moving."""
    t = aliased(Territory)
    first_deposit = select(Deposit.project_id, func.min(Deposit.deposit_date).label("first_day")).group_by(Deposit.project_id).subquery()
    unit = _unit_code(t.path, max(MUNICIPALITY_DEPTH, place.depth)).label("unit")
    rows = conn.execute(
        select(unit, func.count().label("n"))
        .select_from(Project)
        .join(t, t.id == Project.territory_id)
        .join(first_deposit, first_deposit.c.project_id == Project.id)
        .where(
            (Project.stage == "stalled") | (Project.stage.in_(("funded", "in_progress")) & (Project.progress == 0)),
            first_deposit.c.first_day < today - dt.timedelta(days=PROJECT_STILL_DAYS),
            place.condition(t.path),
        )
        .group_by(unit)
        .order_by(func.count().desc(), unit)
    ).all()
    return {"count": sum(r.n for r in rows), "top": _top_municipalities(conn, place, rows[:limit])}


def _late_by_municipality(conn: Connection, place: Place, model, late, limit: int) -> dict:
    """Rows of `model` (filed under a territory) for which `late` holds, by municipality."""
    t = aliased(Territory)
    unit = _unit_code(t.path, max(MUNICIPALITY_DEPTH, place.depth)).label("unit")
    rows = conn.execute(
        select(unit, func.count().label("n"))
        .select_from(model)
        .join(t, t.id == model.territory_id)
        .where(late, place.condition(t.path))
        .group_by(unit)
        .order_by(func.count().desc(), unit)
    ).all()
    return {"count": sum(r.n for r in rows), "top": _top_municipalities(conn, place, rows[:limit])}


def stale_quadrants(conn: Connection, place: Place, today: dt.date, limit: int = 3) -> dict:
    """Peace quadrants with no patrol report in QUADRANT_STALE_DAYS (geodata.rules), by the
    municipality they are filed in (a quadrant cuts across parishes, not municipalities)."""
    return _late_by_municipality(conn, place, PeaceQuadrant, quadrant_stale(PeaceQuadrant.last_report_date, today), limit)


def stale_defense_plans(conn: Connection, place: Place, today: dt.date, limit: int = 3) -> dict:
    """Defence plans not reviewed or exercised in DEFENSE_PLAN_REVIEW_DAYS, by municipality."""
    return _late_by_municipality(conn, place, DefensePlan, defense_plan_stale(DefensePlan.last_review_date, today), limit)


def silent_councils(conn: Connection, place: Place, today: dt.date, limit: int = 3) -> dict:
    """Communal councils with no report in SALA_SILENCE_DAYS (geodata.rules), counted by the
    indicator refresh (the snapshot, as of its day): how many under the place, of how many,
    and the municipalities (or the place's own level, below) with most."""
    t = aliased(Territory)
    s = IndicatorSnapshot
    depth = max(MUNICIPALITY_DEPTH, place.depth)
    rows = conn.execute(
        select(t.code.label("unit"), s.councils_silent.label("n"), s.councils.label("of"))
        .select_from(t)
        .join(s, s.territory_id == t.id)
        .where(t.depth == depth, t.level != "circuit", s.councils > 0, place.condition(t.path))
        .order_by(s.councils_silent.desc(), t.code)
    ).all()
    top = [r for r in rows if r.n][:limit]
    return {"count": sum(r.n for r in rows), "councils": sum(r.of for r in rows), "top": _top_municipalities(conn, place, top)}


def novelties(conn: Connection, place: Place, today: dt.date | None = None, rule: SpikeRule = SpikeRule(),
              hot: HotspotRule = HotspotRule()) -> dict:
    """Everything the panel shows for the place: spikes, clap_gaps, hot spots, agreements,
    projects, peace quadrants without a recent report, defence plans not reviewed in a year,
    silent communal councils."""
    today = today or dt.date.today()
    return {
        "today": today.isoformat(),
        "spike_days": rule.days,
        "spikes": spikes(conn, place, today, rule),
        "clap_gaps": clap_gaps(conn, place, today),
        "hotspot_days": hot.days,
        "hotspots": hotspots(conn, place, today, hot),
        "agreements": overdue_agreements(conn, place, today),
        "projects": stalled_projects(conn, place, today),
        "quadrants": stale_quadrants(conn, place, today),
        "silent": silent_councils(conn, place, today),
        "defense_plans": stale_defense_plans(conn, place, today),
    }
