"""Records for the layer and export tests, on top of the factories' small territory tree.

Libertador (0101) gets cases of several categories and statuses (one overdue, one with
no point of its own), projects with deposits, two CLAPs with deliveries and a cabinet
with agreements in every area; Miranda › Acevedo (1501) gets one of each kind so the
territory filter and the scope have something to leave out. Accents and `ñ` are in the
names on purpose: every format must carry them intact.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select, update

from geodata.indicators import refresh
from geodata.integrity import run_check
from geodata.models import (
    Agreement,
    Cabinet,
    Case,
    Clap,
    ClapDelivery,
    Deposit,
    Project,
    Territory,
    WorkingTable,
)
from tests.factories import point as pt
from tests.factories import small_tree
from tests.factories import territory_id as tid

LONG_AGO = dt.date(2024, 1, 10)




def add_records(conn: Connection, *, demo: bool = False) -> None:
    small_tree(conn)
    conn.execute(update(Territory).values(population=1000, households=250, is_demo=demo))
    conn.execute(
        update(Territory).where(Territory.code == "0101").values(label_point="SRID=4326;POINT(-66.9 10.5)")
    )
    cases = [
        # code, territory, category, status, reported, due, geom
        ("C-001", "0101010101", "water", "reported", dt.date(2025, 3, 1), dt.date(2025, 3, 20), pt(-66.99, 10.41)),
        ("C-002", "0101010101", "electricity", "in_progress", dt.date(2025, 4, 2), None, pt(-66.985, 10.415)),
        ("C-003", "0101010102", "water", "resolved", dt.date(2025, 2, 5), None, pt(-66.96, 10.46)),
        ("C-004", "010102", "health", "assigned", dt.date(2024, 11, 15), None, None),
        ("C-005", "0101", "security", "closed", dt.date(2025, 5, 20), None, pt(-66.95, 10.5)),
        ("M-001", "1501", "roads", "reported", dt.date(2025, 4, 1), None, pt(-66.7, 10.3)),
    ]
    for code, territory, category, status, reported, due, geom in cases:
        area = {"health": "social", "security": "integral_security"}.get(category, "public_services")
        conn.execute(
            insert(Case).values(
                code=code,
                territory_id=tid(conn, territory),
                category=category,
                area=area,
                status=status,
                reported_date=reported,
                due_date=due,
                resolved_date=dt.date(2025, 2, 20) if status == "resolved" else None,
                institution="Hidrocapital" if category == "water" else "Alcaldía",
                description=f"Reporte {code}: tubería rota en la vía, año {reported.year}",
                geom=geom,
                is_demo=demo,
            )
        )
    projects = [
        ("P-001", "0101010101", "2025-1", "social", "Salud", "in_progress", 50000, pt(-66.99, 10.405)),
        ("P-002", "01010101", "2025-1", "public_services", "Agua", "funded", 120000.5, None),
        ("P-003", "0101010102", "2024-2", "public_services", "Vialidad", "completed", 80000, pt(-66.965, 10.455)),
        ("M-P01", "1501", "2025-1", "social", "Educación", "proposed", 10000, pt(-66.72, 10.31)),
    ]
    for code, territory, round_, area, sector, stage, budget, geom in projects:
        conn.execute(
            insert(Project).values(
                code=code,
                name=f"Proyecto {code} — Rehabilitación de la cañería",
                territory_id=tid(conn, territory),
                consultation_round=round_,
                area=area,
                sector=sector,
                stage=stage,
                budget=budget,
                progress=40 if stage == "in_progress" else 0,
                start_date=dt.date(2025, 2, 1),
                geom=geom,
                is_demo=demo,
            )
        )
    project_ids = dict(conn.execute(select(Project.code, Project.id)).all())
    for code, project, amount, day in [
        ("D-1", "P-001", 20000, dt.date(2025, 2, 10)),
        ("D-2", "P-001", 10000, dt.date(2025, 4, 10)),
        ("D-3", "P-002", 120000.5, dt.date(2025, 3, 1)),
    ]:
        conn.execute(
            insert(Deposit).values(
                code=code, project_id=project_ids[project], amount=amount, deposit_date=day, bank="Banco Comunal El Panal"
            )
        )
    for code, territory, households, geom in [
        ("CLAP-01", "0101010101", 120, pt(-66.995, 10.41)),
        ("CLAP-02", "010102", 80, None),
        ("CLAP-M1", "1501", 60, pt(-66.71, 10.32)),
    ]:
        clap_id = conn.execute(
            insert(Clap)
            .values(code=code, name=f"CLAP Añil {code}", households=households, territory_id=tid(conn, territory), geom=geom, is_demo=demo)
            .returning(Clap.id)
        ).scalar_one()
        if code != "CLAP-02":
            for day in (dt.date(2025, 4, 1), dt.date(2025, 5, 1)):
                conn.execute(insert(ClapDelivery).values(clap_id=clap_id, delivery_date=day, households_served=households - 5))
    cabinet = conn.execute(
        insert(Cabinet).values(municipality_id=tid(conn, "0101"), installed_date=dt.date(2025, 1, 15)).returning(Cabinet.id)
    ).scalar_one()
    tables = {
        area: conn.execute(
            insert(WorkingTable).values(cabinet_id=cabinet, area=area, name=f"Mesa {area}").returning(WorkingTable.id)
        ).scalar_one()
        for area in ("social", "public_services", "integral_security")
    }
    agreements = [
        ("A-001", "0101", "public_services", "pending", dt.date(2025, 1, 20), dt.date(2025, 2, 28)),
        ("A-002", "0101", "social", "done", dt.date(2025, 1, 20), dt.date(2025, 3, 30)),
        ("A-003", "0101", "integral_security", "in_progress", dt.date(2025, 2, 10), dt.date(2099, 1, 1)),
        ("A-M01", "1501", "social", "pending", dt.date(2025, 2, 1), None),
    ]
    for code, municipality, area, status, cabinet_date, due in agreements:
        conn.execute(
            insert(Agreement).values(
                code=code,
                municipality_id=tid(conn, municipality),
                cabinet_id=cabinet if municipality == "0101" else None,
                working_table_id=tables[area] if municipality == "0101" else None,
                cabinet_date=cabinet_date,
                area=area,
                text=f"Acuerdo {code}: reparar la tubería de la calle Ñaraulí",
                institution="Alcaldía de Libertador",
                status=status,
                due_date=due,
                done_date=dt.date(2025, 3, 1) if status == "done" else None,
                is_demo=demo,
            )
        )
    _add_communal(conn, demo)
    # The parishes of the small tree leave the north of Libertador uncovered: a gap to show.
    run_check(conn)
    # As after every load: the materialised indicators the territory layers read.
    refresh(conn)


def _add_communal(conn: Connection, demo: bool) -> None:
    """One of each communal record: a quadrant over Altagracia, a defence plan, a business,
    a justice of the peace with one case."""
    from geodata.communal_models import CommunalBusiness, DefensePlan, PeaceCase, PeaceJudge, PeaceQuadrant

    conn.execute(insert(PeaceQuadrant).values(
        code="CP-1", name="Cuadrante Altagracia", territory_id=tid(conn, "0101"), responsible_body="PNB",
        last_report_date=dt.date(2025, 3, 1), is_demo=demo,
        geom="SRID=4326;MULTIPOLYGON(((-67 10.4,-66.9 10.4,-66.9 10.5,-67 10.5,-67 10.4)))",
    ))
    conn.execute(insert(DefensePlan).values(
        code="PD-1", name="Plan Altagracia", territory_id=tid(conn, "010101"), status="active",
        last_review_date=dt.date(2024, 1, 10), is_demo=demo,
    ))
    conn.execute(insert(CommunalBusiness).values(
        code="EPS-1", name="Panadería El Panal", territory_id=tid(conn, "01010101"), sector="alimentos",
        legal_form="eps_direct", workers=8, status="active", geom=pt(-66.99, 10.41), is_demo=demo,
    ))
    judge = conn.execute(insert(PeaceJudge).values(
        code="JP-1", name="Jueza Carmen Díaz", territory_id=tid(conn, "01010101"), is_demo=demo,
    ).returning(PeaceJudge.id)).scalar_one()
    conn.execute(insert(PeaceCase).values(
        code="EXP-1", judge_id=judge, case_date=dt.date(2025, 2, 1), case_type="vecinal", status="open", is_demo=demo,
    ))
