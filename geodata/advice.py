"""The «asesoría para la próxima consulta» of a commune or communal circuit: its needs by
sector (the 1x10 cases by category, the ACA needs still unfunded) against the projects it
chose in earlier rounds and how they went (stage, progress, money approved and deposited),
with the rounds it took part in.

A circuit is its communes (`territory.circuit_id`) plus what was filed under the circuit
itself. The place comes resolved and scope-checked (`geodata.place.resolve_place`), and
every read below keeps to the scope. A project's sector and a case's category share one
vocabulary where the data spells them alike (`water`, `roads`…): the sector's row then
holds both sides; a sector only one side names gets a row of its own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Connection, and_, false, func, or_, select

from geodata import errors as sala_errors
from geodata.consultation_models import ConsultationRound, ConsultationVote
from geodata.models import Case, Deposit, Project, Territory
from geodata.place import Place
from geodata.vocab import OPEN_CASE_STATUSES, PROJECT_STAGES, sector_label

ADVICE_LEVELS = ("commune", "circuit")
NEED_STAGES = ("proposed", "approved")  # chosen, not funded yet: an ACA need still open
RUNNING_STAGES = ("funded", "in_progress")
UNITS_LIMIT = 500


class NotACommune(sala_errors.InvalidInput):
    """The advice is drawn for a commune or a communal circuit."""


def advice_units(conn: Connection, place: Place, limit: int = UNITS_LIMIT) -> list[dict]:
    """The communes and circuits under `place` the scope may see (to choose one from)."""
    t = Territory
    rows = conn.execute(
        select(t.code, t.name, t.level).where(t.level.in_(ADVICE_LEVELS), place.condition(t.path)).order_by(t.level, t.code)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def _members(conn: Connection, place: Place) -> tuple[list[dict], object]:
    """(the communes of the unit, a WHERE clause on a territory path for what lies in it)."""
    t = Territory
    if place.level == "commune":
        return [{"code": place.code, "name": place.name}], place.condition(t.path)
    communes = [dict(r._mapping) for r in conn.execute(
        select(t.code, t.name, t.path).where(t.circuit_id == place.node.id, t.level == "commune",
                                             place.scope.condition(t.path)).order_by(t.code))]
    prefixes = [t.path.startswith(c["path"], autoescape=True) for c in communes] + [t.path == place.path]
    return [{"code": c["code"], "name": c["name"]} for c in communes], and_(place.scope.condition(t.path), or_(false(), *prefixes))


def consultation_advice(conn: Connection, place: Place, today: dt.date | None = None) -> dict:
    """Everything the advice holds for a commune or circuit `place` (see the module doc):
    `unit`, `communes`, `rounds`, `sectors`, `projects`, `totals`."""
    if place.level not in ADVICE_LEVELS:
        raise NotACommune(f"{place.code} ({place.name}) no es una comuna ni un circuito comunal")
    today = today or dt.date.today()
    communes, within = _members(conn, place)
    t = Territory
    year_ago = today - dt.timedelta(days=365)
    is_open = Case.status.in_(OPEN_CASE_STATUSES)
    cases = conn.execute(
        select(Case.category, func.count().label("cases"), func.count().filter(is_open).label("open"),
               func.count().filter(Case.reported_date >= year_ago).label("last_year"))
        .join(t, t.id == Case.territory_id).where(within).group_by(Case.category)
    ).all()
    deposited = (
        select(Deposit.project_id, func.sum(Deposit.amount).label("deposited"), func.max(Deposit.deposit_date).label("last_deposit"))
        .group_by(Deposit.project_id).subquery()
    )
    votes = (
        select(ConsultationVote.project_id, func.sum(ConsultationVote.votes).label("votes"))
        .where(ConsultationVote.project_id.is_not(None)).group_by(ConsultationVote.project_id).subquery()
    )
    projects = [
        dict(r._mapping)
        for r in conn.execute(
            select(Project.code, Project.name, Project.consultation_round, Project.sector, Project.area, Project.stage,
                   Project.progress, Project.budget, Project.currency, Project.is_demo, t.name.label("territory_name"),
                   func.coalesce(deposited.c.deposited, 0).label("deposited"), deposited.c.last_deposit, votes.c.votes)
            .join(t, t.id == Project.territory_id)
            .outerjoin(deposited, deposited.c.project_id == Project.id)
            .outerjoin(votes, votes.c.project_id == Project.id)
            .where(within)
            .order_by(Project.consultation_round.desc(), Project.sector, Project.code)
        )
    ]
    for p in projects:
        p["stage_label"] = PROJECT_STAGES.get(p["stage"], p["stage"])
        p["sector_label"] = sector_label(p["sector"])
        p["progress"] = float(p["progress"] or 0)
    return {
        "unit": {"code": place.code, "name": place.name, "level": place.level,
                 "path": " › ".join(n for _, n in place.breadcrumb[1:-1])},
        "today": today.isoformat(),
        "communes": communes,
        "rounds": _rounds(conn, place, communes),
        "sectors": _sectors(cases, projects),
        "projects": projects,
        "totals": _totals(cases, projects),
        "is_demo": any([p.pop("is_demo") for p in projects]),
    }


def _rounds(conn: Connection, place: Place, communes: list[dict]) -> list[dict]:
    """The rounds the unit (or one of its communes) took part in, newest first, with how
    many voted there (a circuit's own count when the file gives one, else the sum of its
    communes') and on how many projects."""
    t = Territory
    codes = [place.code] + [c["code"] for c in communes]
    per_territory = (
        select(ConsultationVote.round_id, (t.code == place.code).label("is_unit"),
               func.max(ConsultationVote.voters).label("voters"), func.count(ConsultationVote.project_id).label("projects"))
        .join(t, t.id == ConsultationVote.territory_id)
        .where(t.code.in_(codes), place.scope.condition(t.path))
        .group_by(ConsultationVote.round_id, t.code)
        .subquery()
    )
    r, pt = ConsultationRound, per_territory.c
    voters = func.coalesce(func.sum(pt.voters).filter(pt.is_unit), func.sum(pt.voters).filter(~pt.is_unit))
    rows = conn.execute(
        select(r.code, r.name, r.start_date, r.end_date, voters.label("voters"), func.sum(pt.projects).label("projects_voted"))
        .join(per_territory, pt.round_id == r.id)
        .group_by(r.id).order_by(r.start_date.desc())
    )
    return [{**dict(x._mapping), "voters": int(x.voters) if x.voters is not None else None,
             "projects_voted": int(x.projects_voted or 0)} for x in rows]


def _sectors(cases, projects: list[dict]) -> list[dict]:
    """One row per sector: the needs (cases, open, in the last year; ACA needs) beside the
    projects chosen and how far they got. Sorted by what is least answered: open cases
    with no running or finished project first."""
    rows: dict[str, dict] = {}

    def row(sector: str) -> dict:
        return rows.setdefault(sector, {
            "sector": sector, "label": sector_label(sector), "cases": 0, "open_cases": 0, "cases_last_year": 0,
            "aca_needs": 0, "projects": 0, "running": 0, "completed": 0, "stalled": 0,
            "approved_amount": Decimal(0), "deposited": Decimal(0), "progress_sum": 0.0,
        })

    for c in cases:
        r = row(c.category)
        r["cases"], r["open_cases"], r["cases_last_year"] = c.cases, c.open, c.last_year
    for p in projects:
        r = row(p["sector"])
        r["projects"] += 1
        r["aca_needs"] += p["stage"] in NEED_STAGES
        r["running"] += p["stage"] in RUNNING_STAGES
        r["completed"] += p["stage"] == "completed"
        r["stalled"] += p["stage"] == "stalled"
        if p["stage"] != "proposed":
            r["approved_amount"] += p["budget"] or 0
        r["deposited"] += p["deposited"] or 0
        r["progress_sum"] += p["progress"]
    out = []
    for r in rows.values():
        r["mean_progress"] = round(r.pop("progress_sum") / r["projects"], 1) if r["projects"] else None
        answered = r["running"] + r["completed"]
        r["unanswered"] = r["open_cases"] > 0 and answered == 0
        r["priority"] = r["open_cases"] + r["aca_needs"] + 2 * r["stalled"] - answered
        out.append(r)
    return sorted(out, key=lambda r: (-r["unanswered"], -r["priority"], -r["cases"], r["sector"]))


def _totals(cases, projects: list[dict]) -> dict:
    approved = sum((p["budget"] or 0) for p in projects if p["stage"] != "proposed")
    deposited = sum((p["deposited"] or 0) for p in projects)
    return {
        "cases": sum(c.cases for c in cases),
        "open_cases": sum(c.open for c in cases),
        "projects": len(projects),
        "aca_needs": sum(p["stage"] in NEED_STAGES for p in projects),
        "completed": sum(p["stage"] == "completed" for p in projects),
        "stalled": sum(p["stage"] == "stalled" for p in projects),
        "approved_amount": approved,
        "deposited": deposited,
        "deposited_share": round(float(100 * deposited / approved), 1) if approved else None,
    }
