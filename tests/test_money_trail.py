"""The money trail both ways on a small fixture: «progress with no deposit» beside «deposit
with no progress» (geodata.rules, the alerts), the projects' stage history (a trigger),
the trail on the project card, and the deposits by commune and by communal circuit with
their banks (geodata.money, the money layers), scoped."""

import datetime as dt

from sqlalchemy import func, insert, select, update

from geodata.access import Scope
from geodata.alerts import AlertFilter, alerts
from geodata.models import Deposit, Project, ProjectStageChange, Territory
from geodata.money import money_summary
from geodata.place import resolve_place
from geodata.record_cards import project_detail
from layers.features import iter_rows
from layers.registry import LayerParams, get_layer
from tests.factories import small_tree, territory_id

TODAY = dt.date.today()
MIRANDA = Scope(role="director", territory_code="15", territory_path="/15/")


def _project(conn, code: str, territory: str, stage: str, progress: float = 0, start_days_ago: int | None = 100) -> int:
    start = TODAY - dt.timedelta(days=start_days_ago) if start_days_ago is not None else None
    return conn.execute(insert(Project).values(
        code=code, name=f"Proyecto {code}", territory_id=territory_id(conn, territory), consultation_round="2025-1",
        area="public_services", sector="water", budget=1_000_000, stage=stage, progress=progress, start_date=start,
    ).returning(Project.id)).scalar_one()


def _deposit(conn, code: str, project_id: int, amount: float, days_ago: int, bank: str | None) -> None:
    conn.execute(insert(Deposit).values(code=code, project_id=project_id, amount=amount,
                                        deposit_date=TODAY - dt.timedelta(days=days_ago), bank=bank))


def _flagged(conn, scope: Scope | None = None) -> set[str]:
    kw = {"scope": scope} if scope else {}
    listed = alerts(conn, None, today=TODAY, filters=AlertFilter(kinds=("project_no_deposit",), limit=200), **kw)
    return {i["code"] for i in listed["items"]}


def test_a_project_advancing_with_no_deposit_is_flagged_and_one_with_money_is_not(engine):
    with engine.begin() as conn:
        small_tree(conn)
        _project(conn, "RUN", "0101010101", "in_progress", 40)  # works going on, no money on record: flagged
        _project(conn, "DONE", "0101010102", "completed", 100)  # completed with no deposit: flagged
        _project(conn, "SAYS", "0101010101", "approved", 15)  # stage not moved, but progress reported: flagged
        paid = _project(conn, "PAID", "0101010101", "in_progress", 40)  # advancing with a deposit: not flagged
        _deposit(conn, "PAID-1", paid, 500_000, 90, "Banco Comunal El Panal")
        _project(conn, "WAIT", "0101010102", "approved", 0)  # approved, nothing yet: not flagged
        _project(conn, "IDEA", "1501", "proposed", 0, None)  # proposed: not flagged
        assert _flagged(conn) == {"RUN", "DONE", "SAYS"}
        assert _flagged(conn, MIRANDA) == set()
        # Money arrives for RUN: it leaves the list.
        run = conn.execute(select(Project.id).where(Project.code == "RUN")).scalar_one()
        _deposit(conn, "RUN-1", run, 300_000, 1, None)
        assert _flagged(conn) == {"DONE", "SAYS"}
        # «Deposit with no progress» still stands beside it: money 60 days ago, progress 0.
        still = _project(conn, "STILL", "0101010102", "funded", 0)
        _deposit(conn, "STILL-1", still, 400_000, 60, "Banco Comunal Catuche")
        moving = alerts(conn, None, today=TODAY, filters=AlertFilter(kinds=("project_not_moving",)))
        assert {i["code"] for i in moving["items"]} == {"STILL"}
        assert "STILL" not in _flagged(conn)


def test_stage_changes_are_recorded_and_the_card_shows_the_trail(engine):
    with engine.begin() as conn:
        small_tree(conn)
        pid = _project(conn, "P1", "0101010101", "approved", 0, start_days_ago=None)
        conn.execute(update(Project).where(Project.id == pid).values(progress=0))  # no stage change: no history
        assert conn.execute(select(ProjectStageChange).where(ProjectStageChange.project_id == pid)).first() is None
        _deposit(conn, "P1-1", pid, 500_000, 20, "Banco Comunal El Panal")
        _deposit(conn, "P1-2", pid, 250_000, 5, None)
        conn.execute(update(Project).where(Project.id == pid).values(stage="in_progress", progress=30))
        changes = conn.execute(select(ProjectStageChange.previous_stage, ProjectStageChange.stage, ProjectStageChange.changed_on)
                               .where(ProjectStageChange.project_id == pid)).all()
        today_in_db = conn.execute(select(func.current_date())).scalar()
        assert [tuple(c) for c in changes] == [("approved", "in_progress", today_in_db)]

        card = project_detail(conn, "P1")
        kinds = [(e["kind"], e.get("bank"), e.get("to")) for e in card["trail"]]
        assert kinds == [("deposit", "Banco Comunal El Panal", None), ("deposit", None, None), ("stage", None, "in_progress")]
        assert card["trail"][0]["amount"] == 500_000 and card["trail"][0]["date"] == TODAY - dt.timedelta(days=20)
        assert not card["advanced_without_deposit"]

        _project(conn, "P2", "0101010102", "in_progress", 50, start_days_ago=30)
        card = project_detail(conn, "P2")
        assert card["advanced_without_deposit"] and [e["kind"] for e in card["trail"]] == ["start"]


def test_the_project_panel_reads_the_trail(engine):
    from dashboard.records_vm import project_panel

    with engine.begin() as conn:
        small_tree(conn)
        pid = _project(conn, "P1", "0101010101", "in_progress", 30, start_days_ago=40)
        _deposit(conn, "P1-1", pid, 500_000, 40, "Banco Comunal El Panal")
        _project(conn, "P2", "0101010102", "completed", 100, start_days_ago=300)
    panel = project_panel(engine, "P1")
    assert panel["badge"] is None
    fields = dict(panel["fields"])
    assert fields["Monto aprobado"] == "Bs. 1.000.000" and fields["Avance"] == "30 %"
    assert fields["Sector"] == "Agua"  # the sector in words, not its code
    assert [text for _day, text in panel["history"]] == ["Inicio de la obra", "Depósito de Bs. 500.000 · Banco Comunal El Panal"]
    other = project_panel(engine, "P2")
    assert other["badge"] == "avanza sin depósito"


def test_deposits_by_commune_and_by_circuit_with_their_banks(engine):
    with engine.begin() as conn:
        small_tree(conn)
        circuit = territory_id(conn, "0101C01")
        conn.execute(update(Territory).where(Territory.code == "01010101").values(circuit_id=circuit))
        a = _project(conn, "A", "0101010101", "in_progress", 50)  # in the commune, through its council
        b = _project(conn, "B", "01010101", "completed", 100)  # the commune's own
        _project(conn, "C", "0101010101", "in_progress", 20)  # no deposit
        _project(conn, "OUT", "0101010102", "in_progress", 20)  # a council outside any commune
        _deposit(conn, "A-1", a, 600_000, 50, "Banco de la Comuna El Panal")
        _deposit(conn, "A-2", a, 100_000, 10, "Banco Comunal La Pastora")
        _deposit(conn, "B-1", b, 250_000, 80, "Banco de la Comuna El Panal")

        money = money_summary(conn, resolve_place(conn, None))
        (commune,) = money["commune"]["rows"]
        assert (commune["code"], commune["projects"], commune["deposits"], commune["deposited"]) == ("01010101", 3, 3, 950_000)
        assert commune["banks"] == "Banco de la Comuna El Panal: Bs. 850.000; Banco Comunal La Pastora: Bs. 100.000"
        assert commune["projects_without_deposit"] == 1 and commune["path"].endswith("Comuna El Panal")
        (circ,) = money["circuit"]["rows"]
        assert (circ["code"], circ["deposited"], circ["banks"]) == ("0101C01", 950_000, commune["banks"])
        assert money_summary(conn, resolve_place(conn, None, MIRANDA))["commune"]["rows"] == []

        layer = get_layer("money_communes")
        rows = {r[0]: dict(zip(layer.field_names, r)) for r in iter_rows(conn, "money_communes", LayerParams())}
        assert rows["01010101"]["deposited"] == 950_000 and rows["01010101"]["bank_count"] == 2
        assert [r[0] for r in iter_rows(conn, "money_circuits", LayerParams(territory="0101"))] == ["0101C01"]
        assert list(iter_rows(conn, "money_communes", LayerParams(scope=MIRANDA))) == []
