"""Records for the dashboard tests, on top of the factories' small territory tree.

Distrito Capital › Libertador gets cases (some overdue, some linked to solutions),
projects at several stages, a CLAP with deliveries and a cabinet with agreements;
Miranda › Acevedo gets one case, so scope and aggregation have something to tell apart.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert

from geodata.access import Scope
from geodata.models import (
    Agreement,
    AgreementProject,
    Cabinet,
    Case,
    CaseSolution,
    Clap,
    ClapDelivery,
    Deposit,
    Project,
    WorkingTable,
)
from tests.factories import point as _point
from tests.factories import small_tree
from tests.factories import territory_id as _tid

TODAY = dt.date(2025, 6, 30)
# A state director of Miranda (15): sees Miranda only.
MIRANDA_DIRECTOR = Scope(role="director", territory_code="15", territory_path="/15/")




def add_case(conn, code, territory, category="water", status="reported", reported=dt.date(2025, 6, 1), due=None, geom=None, **extra):
    area = {"water": "public_services", "health": "social", "security": "integral_security"}.get(category, "social")
    return conn.execute(
        insert(Case)
        .values(
            code=code,
            reported_date=reported,
            category=category,
            area=area,
            status=status,
            territory_id=_tid(conn, territory),
            due_date=due,
            geom=geom,
            **extra,
        )
        .returning(Case.id)
    ).scalar_one()


def add_project(conn, code, territory, stage="in_progress", round_="2025-1", budget=1000, geom=None):
    return conn.execute(
        insert(Project)
        .values(
            code=code,
            name=f"Proyecto {code}",
            territory_id=_tid(conn, territory),
            consultation_round=round_,
            area="public_services",
            sector="agua",
            budget=budget,
            stage=stage,
            geom=geom,
        )
        .returning(Project.id)
    ).scalar_one()


def populated_tree(conn: Connection) -> dict[str, int]:
    """The small tree plus records; returns the ids the tests refer to."""
    small_tree(conn)
    ids: dict[str, int] = {}
    ids["c1"] = add_case(conn, "C1", "0101010101", "water", geom=_point(-66.99, 10.41), due=dt.date(2025, 6, 10))
    ids["c2"] = add_case(conn, "C2", "0101010102", "water", status="in_progress", geom=_point(-66.96, 10.46))
    ids["c3"] = add_case(
        conn, "C3", "010102", "health", status="resolved", reported=dt.date(2025, 5, 2), resolved_date=dt.date(2025, 5, 20)
    )
    ids["c4"] = add_case(conn, "C4", "010101", "security", reported=dt.date(2024, 12, 1))
    ids["c5"] = add_case(conn, "C5", "1501", "water")
    ids["p1"] = add_project(conn, "P1", "0101010101", "in_progress", geom=_point(-66.985, 10.415))
    ids["p2"] = add_project(conn, "P2", "01010101", "proposed", budget=500)
    ids["p3"] = add_project(conn, "P3", "1501", "funded", round_="2024-2")
    conn.execute(insert(Deposit).values(code="D1", project_id=ids["p1"], amount=400, deposit_date=dt.date(2025, 5, 15)))
    ids["clap"] = conn.execute(
        insert(Clap)
        .values(code="CLAP1", name="CLAP La Pastora", households=120, territory_id=_tid(conn, "0101010101"))
        .returning(Clap.id)
    ).scalar_one()
    conn.execute(
        insert(ClapDelivery).values(
            [
                {"clap_id": ids["clap"], "delivery_date": dt.date(2025, 5, 1), "households_served": 110},
                {"clap_id": ids["clap"], "delivery_date": dt.date(2025, 6, 5), "households_served": 115},
            ]
        )
    )
    mun = _tid(conn, "0101")
    cabinet = conn.execute(insert(Cabinet).values(municipality_id=mun, installed_date=dt.date(2025, 1, 10)).returning(Cabinet.id)).scalar_one()
    table = conn.execute(
        insert(WorkingTable).values(cabinet_id=cabinet, area="public_services", name="Mesa de agua").returning(WorkingTable.id)
    ).scalar_one()
    ids["a1"] = conn.execute(
        insert(Agreement)
        .values(
            code="A1",
            municipality_id=mun,
            cabinet_id=cabinet,
            working_table_id=table,
            cabinet_date=dt.date(2025, 2, 1),
            area="public_services",
            text="Reparar la tubería matriz de La Pastora",
            institution="Hidrocapital",
            status="pending",
            due_date=dt.date(2025, 3, 1),
        )
        .returning(Agreement.id)
    ).scalar_one()
    ids["a2"] = conn.execute(
        insert(Agreement)
        .values(
            code="A2",
            municipality_id=mun,
            cabinet_id=cabinet,
            cabinet_date=dt.date(2025, 2, 1),
            area="social",
            text="Jornada de salud en Antímano",
            institution="Ministerio de Salud",
            status="done",
            due_date=dt.date(2025, 4, 1),
            done_date=dt.date(2025, 3, 20),
        )
        .returning(Agreement.id)
    ).scalar_one()
    conn.execute(insert(CaseSolution).values(case_id=ids["c1"], project_id=ids["p1"]))
    conn.execute(insert(CaseSolution).values(case_id=ids["c3"], agreement_id=ids["a2"]))
    conn.execute(insert(AgreementProject).values(agreement_id=ids["a1"], project_id=ids["p1"]))
    return ids
