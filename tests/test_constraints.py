"""Every constraint refuses the bad value it exists for."""

import datetime as dt

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from geodata import models as m
from tests.factories import small_tree

D = dt.date(2025, 3, 1)


@pytest.fixture
def conn(engine):
    with engine.begin() as c:
        small_tree(c)
    with engine.connect() as c:
        yield c


def ids(conn):
    from sqlalchemy import select

    t = conn.execute(select(m.Territory.id).where(m.Territory.code == "0101010101")).scalar_one()
    mun = conn.execute(select(m.Territory.id).where(m.Territory.code == "0101")).scalar_one()
    return t, mun


def project_row(territory_id, **over):
    row = dict(code="P1", name="Pozo", territory_id=territory_id, consultation_round="2025-1", area="public_services",
               sector="water", budget=1000, stage="approved", progress=10)
    row.update(over)
    return row


def refused(conn, statement):
    nested = conn.begin_nested()
    with pytest.raises(IntegrityError):
        conn.execute(statement)
    nested.rollback()


def accepted(conn, statement):
    nested = conn.begin_nested()
    conn.execute(statement)
    nested.rollback()


BAD_PROJECTS = [
    {"budget": -1},
    {"progress": 101},
    {"progress": -0.5},
    {"stage": "en ejecución"},
    {"area": "health"},
    {"consultation_round": "2025"},
    {"start_date": D, "end_date": D - dt.timedelta(days=1)},
]


@pytest.mark.parametrize("bad", BAD_PROJECTS, ids=[next(iter(b)) for b in BAD_PROJECTS])
def test_project_refuses(conn, bad):
    t, _ = ids(conn)
    accepted(conn, insert(m.Project).values(**project_row(t)))
    refused(conn, insert(m.Project).values(**project_row(t, **bad)))


def test_codes_are_unique(conn):
    t, _ = ids(conn)
    conn.execute(insert(m.Project).values(**project_row(t)))
    refused(conn, insert(m.Project).values(**project_row(t, name="otro")))
    refused(conn, insert(m.Territory).values(level="state", code="01", name="Duplicado"))


def test_territory_refuses(conn):
    refused(conn, insert(m.Territory).values(level="barrio", code="X1", name="X"))
    refused(conn, insert(m.Territory).values(level="municipality", code="9901", name="Sin padre"))
    refused(conn, insert(m.Territory).values(level="state", code="98", name="X", population=-3))
    refused(conn, insert(m.Territory).values(level="state", code="", name="X"))


def test_foreign_keys_refuse_missing_references(conn):
    refused(conn, insert(m.Project).values(**project_row(999_999)))
    refused(conn, insert(m.Deposit).values(code="D1", project_id=999_999, amount=1, deposit_date=D))
    refused(conn, insert(m.ClapDelivery).values(clap_id=999_999, delivery_date=D, households_served=1))


def test_deposit_amount_not_negative(conn):
    t, _ = ids(conn)
    pid = conn.execute(insert(m.Project).values(**project_row(t)).returning(m.Project.id)).scalar_one()
    accepted(conn, insert(m.Deposit).values(code="D1", project_id=pid, amount=0, deposit_date=D))
    refused(conn, insert(m.Deposit).values(code="D1", project_id=pid, amount=-5, deposit_date=D))


def test_clap_and_delivery(conn):
    t, _ = ids(conn)
    refused(conn, insert(m.Clap).values(code="C1", name="CLAP", households=-1, territory_id=t))
    cid = conn.execute(insert(m.Clap).values(code="C1", name="CLAP", households=80, territory_id=t).returning(m.Clap.id)).scalar_one()
    conn.execute(insert(m.ClapDelivery).values(clap_id=cid, delivery_date=D, households_served=80))
    refused(conn, insert(m.ClapDelivery).values(clap_id=cid, delivery_date=D, households_served=70))
    refused(conn, insert(m.ClapDelivery).values(clap_id=cid, delivery_date=D + dt.timedelta(1), households_served=-1))


def case_row(t, **over):
    row = dict(code="K1", reported_date=D, category="water", area="public_services", status="reported", territory_id=t)
    row.update(over)
    return row


@pytest.mark.parametrize(
    "bad",
    [{"category": "agua"}, {"status": "abierto"}, {"area": "x"}, {"resolved_date": D - dt.timedelta(1)},
     {"due_date": D - dt.timedelta(1)}],
)
def test_case_refuses(conn, bad):
    t, _ = ids(conn)
    accepted(conn, insert(m.Case).values(**case_row(t)))
    refused(conn, insert(m.Case).values(**case_row(t, **bad)))


def test_agreement_and_links(conn):
    t, mun = ids(conn)
    row = dict(code="A1", municipality_id=mun, cabinet_date=D, area="social", text="Operativo", institution="MPPS", status="pending")
    refused(conn, insert(m.Agreement).values(**{**row, "status": "vencido"}))
    refused(conn, insert(m.Agreement).values(**{**row, "due_date": D - dt.timedelta(1)}))
    aid = conn.execute(insert(m.Agreement).values(**row).returning(m.Agreement.id)).scalar_one()
    kid = conn.execute(insert(m.Case).values(**case_row(t)).returning(m.Case.id)).scalar_one()
    pid = conn.execute(insert(m.Project).values(**project_row(t)).returning(m.Project.id)).scalar_one()
    refused(conn, insert(m.CaseSolution).values(case_id=kid))  # no solution named
    refused(conn, insert(m.CaseSolution).values(case_id=kid, project_id=pid, agreement_id=aid))  # two at once
    conn.execute(insert(m.CaseSolution).values(case_id=kid, agreement_id=aid))
    refused(conn, insert(m.CaseSolution).values(case_id=kid, agreement_id=aid))  # same link twice


def test_users_roles_and_scope(conn):
    _, mun = ids(conn)
    refused(conn, insert(m.AppUser).values(username="x", password_hash="h", role="superuser"))
    refused(conn, insert(m.AppUser).values(username="d", password_hash="h", role="director"))  # director without scope
    accepted(conn, insert(m.AppUser).values(username="d", password_hash="h", role="director", scope_territory_id=mun))


def test_etl_run_counts_not_negative(conn):
    refused(conn, insert(m.EtlRun).values(kind="case", file_name="f", sha256="0", inserted=-1))
    refused(conn, insert(m.EtlRun).values(kind="case", file_name="f", sha256="0", status="maybe"))
