"""Category hot spots for «Novedades y atrasos»: parishes (or councils, at a parish view
and below) where one category of cases concentrates.

A unit is a hot spot of a category when, over the cases reported in the last `days`,

- the category's share among the unit's cases is at least `ratio` times its share
  among all the cases of the place in view (the country, the user's scope or the
  territory shown: the bar everyone on that screen compares with), and
- the unit has at least `min_cases` cases of that category (a handful of cases in a
  quiet parish is not a concentration), and
- the excess is beyond chance: (cases − expected) / its binomial standard deviation is
  at least `z` (a country has a thousand parishes and thirteen categories: a 2× share of
  a few cases happens somewhere every quarter by luck alone; weak water service over a
  few hundred cases does not).

Each unit is named once, for its strongest category; the strongest (highest z) first, at
most `per_parent` in one municipality (parish), so a country shows its several centres
rather than five neighbours of one. One grouped read of the period's cases (units ×
categories rows: 14,000 in the national demo, 0.6 s).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import aliased

from geodata.models import Case, Territory
from geodata.place import Place
from geodata.territory import path_labels
from geodata.vocab import CASE_CATEGORIES

PARISH_DEPTH = 2


@dataclass(frozen=True)
class HotspotRule:
    days: int = 90
    ratio: float = 2.0
    min_cases: int = 8
    z: float = 3.0
    per_parent: int = 2


def _unit(place: Place, t):
    """The unit a case counts for: its parish above a parish view, its council below."""
    if place.depth < PARISH_DEPTH:
        return func.split_part(t.path, "/", PARISH_DEPTH + 2)
    return t.code


def hotspots(conn: Connection, place: Place, today: dt.date, rule: HotspotRule = HotspotRule(), limit: int = 5) -> list[dict]:
    """The units under the place where a category concentrates, the strongest first: code,
    name, level, path, category (and its label), count, cases, share, reference share,
    ratio and z."""
    t = aliased(Territory)
    unit = _unit(place, t).label("unit")
    start = today - dt.timedelta(days=rule.days - 1)
    where = [Case.reported_date >= start, Case.reported_date <= today, place.condition(t.path)]
    if place.depth >= PARISH_DEPTH:
        where.append(t.level == "council")
    else:
        where.append(t.depth >= PARISH_DEPTH)
    rows = conn.execute(
        select(unit, Case.category, func.count().label("n"))
        .select_from(Case)
        .join(t, t.id == Case.territory_id)
        .where(*where)
        .group_by(unit, Case.category)
    ).all()
    unit_total: dict[str, int] = {}
    category_total: dict[str, int] = {}
    for r in rows:
        if r.unit:
            unit_total[r.unit] = unit_total.get(r.unit, 0) + r.n
            category_total[r.category] = category_total.get(r.category, 0) + r.n
    everything = sum(category_total.values())
    best: dict[str, dict] = {}
    for r in rows:
        if not r.unit or r.n < rule.min_cases or not everything:
            continue
        total, reference = unit_total[r.unit], category_total[r.category] / everything
        if reference >= 1:
            continue
        share = r.n / total
        z = (r.n - total * reference) / math.sqrt(total * reference * (1 - reference))
        if share / reference >= rule.ratio and z >= rule.z and z > best.get(r.unit, {}).get("z", -math.inf):
            best[r.unit] = {"code": r.unit, "category": r.category, "category_label": CASE_CATEGORIES.get(r.category, r.category),
                            "count": r.n, "cases": total, "share": share, "reference": reference,
                            "ratio": share / reference, "z": z}
    found, per_parent = [], {}
    names = path_labels(conn, set(best))
    for h in sorted(best.values(), key=lambda h: (-h["z"], h["code"])):
        if h["code"] not in names:
            continue
        parent = names[h["code"]]["path"].rsplit(" › ", 1)[0]
        if per_parent.get(parent, 0) >= rule.per_parent:
            continue
        per_parent[parent] = per_parent.get(parent, 0) + 1
        found.append({**h, **names[h["code"]]})
        if len(found) == limit:
            break
    return found
