"""The money trail to the communal banks, summed by commune and by communal circuit.

A deposit funds a project; the project sits in a commune or in one of its councils (its
commune is the path's fourth code, `geodata.communal.commune_of`); a commune may belong
to a communal circuit (`territory.circuit_id`). Per commune and per circuit: the projects,
the money approved, the deposits and the amount deposited, the banks that received it
(each with its amount), and the projects whose stage advanced with no deposit
(`geodata.rules.project_advanced_without_deposit`). Scoped by the `Place` like every read.

`unit_money()` is the SQL (one row per unit) that the money layers (`layers.registry.money`) and
the room's tables read; `money_summary()` the plain data of one place for the screen.
"""

from __future__ import annotations

from sqlalchemy import Connection, Numeric, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from geodata.communal import commune_of
from geodata.models import Deposit, Project, Territory
from geodata.place import Place
from geodata.rules import project_advanced_without_deposit
from geodata.territory import path_labels

UNITS = ("commune", "circuit")


def _project_units(unit: str):
    """Per project: its id, budget, stage and progress, and the code of its commune or circuit."""
    pt = aliased(Territory, name="pt")
    commune = aliased(Territory, name="pc")
    code = commune_of(pt.path)
    base = select(Project.id.label("project_id"), Project.budget, Project.stage, Project.progress).select_from(Project).join(
        pt, pt.id == Project.territory_id
    )
    if unit == "commune":
        return base.add_columns(code.label("unit_code")).where(code != "").subquery("pu")
    circuit = aliased(Territory, name="pk")
    return (
        base.add_columns(circuit.code.label("unit_code"))
        .join(commune, commune.code == code)
        .join(circuit, circuit.id == commune.circuit_id)
        .subquery("pu")
    )


def unit_money(unit: str):
    """A subquery per commune (or circuit) code: projects, budget_approved, deposits,
    deposited, banks ('Banco A: Bs. 1.000; Banco B: …', largest first) and
    projects_without_deposit."""
    if unit not in UNITS:
        raise ValueError(unit)
    pu = _project_units(unit)
    per_project = (
        select(Deposit.project_id, func.count().label("n"), func.sum(Deposit.amount).label("amount"))
        .group_by(Deposit.project_id)
        .subquery("pd")
    )
    projects = (
        select(
            pu.c.unit_code,
            func.count().label("projects"),
            func.coalesce(func.sum(pu.c.budget).filter(pu.c.stage != "proposed"), 0).label("budget_approved"),
            func.coalesce(func.sum(per_project.c.n), 0).label("deposits"),
            func.coalesce(func.sum(per_project.c.amount), 0).label("deposited"),
            func.count().filter(project_advanced_without_deposit(pu.c, per_project.c.n)).label("projects_without_deposit"),
        )
        .select_from(pu.outerjoin(per_project, per_project.c.project_id == pu.c.project_id))
        .group_by(pu.c.unit_code)
        .subquery("pm")
    )
    bank = func.coalesce(Deposit.bank, literal_column("'(sin banco)'"))
    by_bank = (
        select(pu.c.unit_code, bank.label("bank"), func.sum(Deposit.amount).label("amount"))
        .select_from(pu.join(Deposit, Deposit.project_id == pu.c.project_id))
        .group_by(pu.c.unit_code, bank)
        .subquery("pb")
    )
    amount_text = func.replace(func.to_char(func.round(by_bank.c.amount, 0).cast(Numeric), "FM999G999G999G999G990"), ",", ".")
    banks = (
        select(
            by_bank.c.unit_code,
            func.string_agg(by_bank.c.bank + ": Bs. " + amount_text,
                            aggregate_order_by(literal_column("'; '"), by_bank.c.amount.desc())).label("banks"),
            func.count().label("bank_count"),
        )
        .group_by(by_bank.c.unit_code)
        .subquery("pbs")
    )
    return (
        select(projects, banks.c.banks, func.coalesce(banks.c.bank_count, 0).label("bank_count"))
        .select_from(projects.outerjoin(banks, banks.c.unit_code == projects.c.unit_code))
        .subquery(f"{unit}_money")
    )


def money_summary(conn: Connection, place: Place, limit: int = 50) -> dict:
    """Per commune and per circuit under the place (most deposited first, `limit` each):
    code, name, path, projects, budget approved, deposits, deposited, banks and projects
    advancing with no deposit; with the place's totals."""
    out: dict = {}
    for unit in UNITS:
        m = unit_money(unit)
        t = aliased(Territory, name="u")
        rows = conn.execute(
            select(m, t.name)
            .join(t, t.code == m.c.unit_code)
            .where(t.level == unit, place.condition(t.path))
            .order_by(m.c.deposited.desc(), m.c.unit_code)
        ).mappings().all()
        labels = path_labels(conn, {r["unit_code"] for r in rows[:limit]})
        out[unit] = {
            "count": len(rows),
            "deposited": float(sum(r["deposited"] for r in rows)),
            "without_deposit": int(sum(r["projects_without_deposit"] for r in rows)),
            "rows": [
                {"code": r["unit_code"], "name": r["name"], "path": labels.get(r["unit_code"], {}).get("path", r["name"]),
                 "projects": int(r["projects"]), "budget_approved": float(r["budget_approved"]),
                 "deposits": int(r["deposits"]), "deposited": float(r["deposited"]), "banks": r["banks"] or "",
                 "projects_without_deposit": int(r["projects_without_deposit"])}
                for r in rows[:limit]
            ],
        }
    return out
