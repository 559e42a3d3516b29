"""Measures of the communal system's records that need more than a column: the security
cases that fall in each peace quadrant (a spatial join, since quadrants cut across the
territory tree), the deposits of the communal banks in a business's commune, a justice of
the peace's caseload. Query pieces for `layers.registry.communal` and the room's pages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, Integer, Numeric, and_, cast, func, select
from sqlalchemy.orm import aliased

from geodata.communal_models import PeaceCase, PeaceQuadrant
from geodata.models import Case, Deposit, Project, Territory
from geodata.rules import case_overdue
from geodata.vocab import OPEN_CASE_STATUSES, OPEN_PEACE_CASE_STATUSES

SRID = 4326
SECURITY_CATEGORY = "security"


def quadrant_security_cases(date_from: dt.date | None, date_to: dt.date | None, as_of, within=None):
    """Per quadrant id: the 1x10 cases of category «seguridad» reported in the period whose
    point falls inside it, how many are open and how many overdue on `as_of`. A subquery
    (quadrant_id, security_cases, open_security_cases, overdue_security_cases).

    A case is where its own point is, or at its territory's label point when it has none.
    The two are joined apart, each through its own spatial index (case_report.geom,
    territory.label_point): one join on the COALESCE of both could use neither and tests
    every case against every quadrant. `within(path_column)`: a condition on the quadrant's
    territory path (the view's subtree and scope)."""
    conds = [Case.category == SECURITY_CATEGORY]
    if date_from:
        conds.append(Case.reported_date >= date_from)
    if date_to:
        conds.append(Case.reported_date <= date_to)
    q = aliased(PeaceQuadrant, name="qq")
    qt = aliased(Territory, name="qt")
    ct = aliased(Territory, name="ct")
    scoped = within(qt.path) if within is not None else and_(True)
    counted = (Case.status.in_(OPEN_CASE_STATUSES).label("open"), case_overdue(as_of).label("overdue"))
    own = (
        select(q.id.label("quadrant_id"), *counted)
        .select_from(q)
        .join(qt, qt.id == q.territory_id)
        .join(Case, and_(q.geom.op("&&")(Case.geom), func.ST_Intersects(q.geom, Case.geom)))
        .where(scoped, *conds)
    )
    borrowed = (
        select(q.id.label("quadrant_id"), *counted)
        .select_from(q)
        .join(qt, qt.id == q.territory_id)
        .join(ct, and_(q.geom.op("&&")(ct.label_point), func.ST_Intersects(q.geom, ct.label_point)))
        .join(Case, and_(Case.territory_id == ct.id, Case.geom.is_(None)))
        .where(scoped, *conds)
    )
    cases = own.union_all(borrowed).subquery("security_case")
    return (
        select(
            cases.c.quadrant_id,
            func.count().label("security_cases"),
            func.count().filter(cases.c.open).label("open_security_cases"),
            func.count().filter(cases.c.overdue).label("overdue_security_cases"),
        )
        .group_by(cases.c.quadrant_id)
        .subquery("security")
    )


def peace_caseload(date_from: dt.date | None, date_to: dt.date | None):
    """Per judge id: cases received in the period, still open, resolved, and the median
    days a resolved case took. A subquery."""
    conds = []
    if date_from:
        conds.append(PeaceCase.case_date >= date_from)
    if date_to:
        conds.append(PeaceCase.case_date <= date_to)
    took = PeaceCase.resolved_date - PeaceCase.case_date
    return (
        select(
            PeaceCase.judge_id.label("judge_id"),
            func.count().label("cases"),
            func.count().filter(PeaceCase.status.in_(OPEN_PEACE_CASE_STATUSES)).label("open_cases"),
            func.count().filter(PeaceCase.status == "resolved").label("resolved_cases"),
            cast(
                func.percentile_cont(0.5).within_group(took).filter(PeaceCase.status == "resolved"), Integer
            ).label("median_days_to_resolve"),
        )
        .where(*conds)
        .group_by(PeaceCase.judge_id)
        .subquery("caseload")
    )


def resolution_rate(resolved, total):
    """Resolved over received, in percent (None with nothing received)."""
    share = cast(100 * resolved, Numeric) / func.nullif(total, 0)
    return cast(func.round(share, 1), Float)


def commune_of(path_column):
    """The code of the commune a territory path runs through ('' above the commune level):
    the fourth code of /state/municipality/parish/commune/council/."""
    return func.split_part(path_column, "/", 5)


def commune_deposits():
    """Per commune code: the money deposited to the communal banks for the projects of that
    commune and its councils, and the banks. A business joins it by its own commune (a
    hash join on the code, not a prefix test per pair)."""
    pt = aliased(Territory, name="pt")
    commune = commune_of(pt.path)
    return (
        select(
            commune.label("commune_code"),
            func.sum(Deposit.amount).label("deposited"),
            func.string_agg(func.distinct(Deposit.bank), "; ").label("banks"),
        )
        .select_from(Deposit)
        .join(Project, Project.id == Deposit.project_id)
        .join(pt, pt.id == Project.territory_id)
        .where(commune != "")
        .group_by(commune)
        .subquery("commune_money")
    )
