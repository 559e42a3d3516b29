"""An agreement's card (dashboard.agreement_vm over geodata.agreement_card): its fields, the
team it may be assigned to, the history of load and room together, both statuses when they
disagree, the conflict message, and the same «not found» outside the viewer's scope."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import agreement_vm as avm
from dashboard import followup_vm as fvm
from dashboard.components.followup import case_card
from etl.load import load_file
from geodata.access import Scope
from geodata.permissions import Actor
from tests.dashboard_fixtures import populated_tree
from tests.etl_builders import write_csv
from tests.test_team import HEADER, TEAM

CAPITAL = Scope(role="operator", territory_code="01", territory_path="/01/")
OP1, OP2 = Actor("op.uno", CAPITAL), Actor("op.dos", CAPITAL)
MIRANDA = Actor("op.miranda", Scope(role="operator", territory_code="15", territory_path="/15/"))
PLANNER = Actor("plan", Scope(role="planner", territory_code="01", territory_path="/01/"))


@pytest.fixture
def tree(engine, tmp_path):
    with engine.begin() as conn:
        populated_tree(conn)
    load_file(engine, "followup-team", write_csv(tmp_path / "equipo.csv", HEADER, TEAM))
    return engine


def _save(engine, actor, version, **fields):
    values = {"institution": "", "assignee": "", "due_date": None, "status": None, "note": None} | fields
    return fvm.save_case(engine, actor, "A1", version, kind="agreement", **values)


def test_the_card_shows_the_agreement_its_team_and_its_follow_up(tree):
    card = avm.agreement_card(tree, OP1, "A1", today=dt.date(2025, 6, 1))
    fields = dict(card["fields"])
    assert card["title"] == "Acuerdo A1" and card["overdue"] and card["description"].startswith("Reparar la tubería")
    assert fields["Estado"] == "Pendiente" and fields["Mesa de trabajo"] == "Mesa de agua"
    assert fields["Institución responsable"] == "Hidrocapital"
    form = card["follow_up"]
    assert form["may_write"] and form["kind"] == "agreement" and form["version"] == 0
    # The municipality's team (0101's six members, not Miranda's) are the choices.
    assert [o["value"] for o in form["assignees"]] == ["E1", "E2", "E3", "E4", "E5", "E6"]
    assert form["assignees"][2]["label"] == "María Díaz — Vocero(a) de área (Social)"
    assert "Hidrocapital" in form["hint"]
    assert [h["source"] for h in card["history"]] == ["Carga"]
    assert case_card(card).id == "case-card"
    # Someone outside the scope, or an unknown code: the same message.
    for actor, code in ((MIRANDA, "A1"), (OP1, "NO-EXISTE")):
        assert avm.agreement_card(tree, actor, code)["error"].startswith("No se encontró el acuerdo")
    assert not avm.agreement_card(tree, PLANNER, "A1")["follow_up"]["may_write"]


def test_following_up_an_agreement_from_its_card(tree):
    saved, message = _save(tree, OP1, 0, assignee="E4", due_date="2025-09-30", status="in_progress",
                           note="El relator convocó a Hidrocapital")
    assert saved, message
    card = avm.agreement_card(tree, OP1, "A1", today=dt.date(2025, 6, 1))
    fields = dict(card["fields"])
    assert fields["Responsable del seguimiento"] == "José Gil — Relator(a) de mesa (Mesa de agua)"
    assert fields["Fecha límite"] == "30/09/2025" and not card["overdue"]
    # The room's status is newer than the load's: both shown, the room's wins.
    assert fields["Estado"].startswith("En proceso — sala: En proceso") and "carga: Pendiente" in fields["Estado"]
    room = [h for h in card["history"] if h["source"] == "Sala"]
    assert [h["what"] for h in room] == ["Asignado a José Gil — Relator(a) de mesa (Mesa de agua)", "Fecha límite: 30/09/2025",
                                         "Estado: En proceso"]
    assert room[-1]["note"] == "El relator convocó a Hidrocapital" and room[-1]["who"] == "op.uno"
    # A second operator who read version 0 gets the conflict message; nothing is written.
    saved, message = _save(tree, OP2, 0, note="Otra nota")
    assert not saved and message.startswith("Conflicto: op.uno modificó este registro")
    # A member of another municipality's team is refused.
    saved, message = _save(tree, OP1, 1, assignee="E7")
    assert not saved and "no integra el equipo" in message
    assert avm.agreement_card(tree, OP1, "A1")["follow_up"]["version"] == 1
