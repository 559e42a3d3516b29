"""A project's follow-up from its card (geodata.followup for kind «project», shown by
dashboard.followup_vm.project_card): a member of its municipality's team, a due date, its
stage with a note, the agreement it answers, comments; each rule both ways — role, scope,
optimistic locking, team membership, links, a project not being routed — and the history
of its money trail and the room's entries together."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text, update

from dashboard import followup_vm as fvm
from dashboard import ids
from dashboard.components.followup import case_card
from etl.load import load_file
from geodata import followup
from geodata.access import Scope
from geodata.models import AuditLog, FollowUp, FollowUpEntry
from geodata.permissions import Actor, PermissionDenied
from tests.etl_builders import rows, write_csv
from tests.test_agreement_card import tree  # noqa: F401 (the fixture: the tree and 0101's team)
from tests.test_team import HEADER

CAPITAL = Scope(role="operator", territory_code="01", territory_path="/01/")
OP1, OP2 = Actor("op.uno", CAPITAL), Actor("op.dos", CAPITAL)
MIRANDA = Actor("op.miranda", Scope(role="operator", territory_code="15", territory_path="/15/"))
PLANNER = Actor("plan", Scope(role="planner", territory_code="01", territory_path="/01/"))
DIRECTOR = Actor("dir.capital", Scope(role="director", territory_code="01", territory_path="/01/"))


def _save(engine, actor, version, code="P1", **fields):
    with engine.begin() as conn:
        return followup.save(conn, actor, "project", code, version, **fields)


def _form_save(engine, actor, version, **fields):
    """As the card's form sends it (every control, the hidden institution empty)."""
    values = {"institution": "", "assignee": "", "due_date": None, "status": None, "note": None, "link": None} | fields
    return fvm.save_case(engine, actor, "P1", version, kind="project", **values)


def _state(engine, code="P1"):
    with engine.connect() as conn:
        return followup.state(conn, "project", code)


def test_an_operator_follows_up_a_project_from_its_card(tree):
    card = fvm.project_card(tree, OP1, "P1")
    form = card["follow_up"]
    assert form["kind"] == "project" and form["version"] == 0 and form["may_write"] and form["status"] == "in_progress"
    assert "institution" not in form  # a project is not routed
    assert [o["value"] for o in form["assignees"]] == ["E1", "E2", "E3", "E4", "E5", "E6"]  # 0101's team only
    assert [o["value"] for o in form["links"]] == ["A2"]  # A1 is linked by the load already
    assert [h["source"] for h in card["follow_history"]] == ["Carga"]  # the money trail: its deposit

    saved, message = _form_save(tree, OP1, 0, assignee="E4", due_date="2025-09-30", status="stalled",
                                note="Falta el cemento", link="A2")
    assert saved, message
    state = _state(tree)
    assert (state["version"], state["assignee"], state["status"]) == (1, "E4", "stalled")
    assert [(e["action"], e["value"]) for e in state["entries"]] == [
        ("assign", "E4"), ("due_date", "2025-09-30"), ("status", "stalled"), ("link", "A2")]
    assert state["entries"][2]["note"] == "Falta el cemento"
    # A comment alone is an entry too.
    saved, _ = _form_save(tree, OP1, 1, assignee="E4", due_date="2025-09-30", status=None, note="Llamé al relator")
    assert saved and [e["action"] for e in _state(tree)["entries"]][-1] == "comment"

    card = fvm.project_card(tree, OP1, "P1")
    fields = dict(card["fields"])
    # The room's stage is newer than the load's: both shown, the room's wins.
    assert fields["Etapa"].startswith("Paralizado — sala: Paralizado") and "carga: En ejecución" in fields["Etapa"]
    assert fields["Responsable del seguimiento"] == "José Gil — Relator(a) de mesa (Mesa de agua)"
    assert fields["Fecha límite"] == "30/09/2025"
    history = card["follow_history"]
    assert history[0]["what"] == "Depósito de Bs. 400 · banco no indicado" and history[0]["source"] == "Carga"
    room = [h["what"] for h in history if h["room"]]
    assert room == ["Asignado a José Gil — Relator(a) de mesa (Mesa de agua)", "Fecha límite: 30/09/2025",
                    "Estado: Paralizado", "Vinculado al acuerdo A2", "Comentario"]
    linked = {x["code"]: x["status"] for x in card["linked"]}
    assert linked["A1"] == "Pendiente" and linked["A2"] == "Cumplido; vinculado en sala"
    assert card["follow_up"]["links"] == [] and card["follow_up"]["version"] == 2
    # Every change is audited with its target.
    with tree.connect() as conn:
        audited = conn.execute(select(AuditLog.action).where(AuditLog.target == "project:P1").order_by(AuditLog.id)).scalars()
        assert list(audited) == ["follow_up_assign", "follow_up_due_date", "follow_up_status", "follow_up_link",
                                 "follow_up_comment"]
    # The card renders with the form (the institution control there, hidden) and the share link last.
    rendered = case_card(card)
    assert rendered.id == ids.CASE_CARD and rendered.children[-1].href == "/?proyecto=P1"
    text_ = str(rendered)
    assert ids.FOLLOW_LINK in text_ and ids.FOLLOW_INSTITUTION in text_ and "Guardar seguimiento" in text_


def test_a_director_may_follow_up_a_project_a_planner_and_another_state_may_not(tree):
    assert _save(tree, DIRECTOR, 0, note="Visto por la dirección") == 1
    with pytest.raises(PermissionDenied):
        _save(tree, PLANNER, 1, note="no")
    # Outside the scope: the same words as an unknown project, nothing written.
    for actor, code in ((MIRANDA, "P1"), (OP1, "P3"), (OP1, "NO-EXISTE")):
        with pytest.raises(followup.FollowUpError, match="Registro desconocido"):
            _save(tree, actor, 0, code=code, note="fuera")
    assert fvm.project_card(tree, MIRANDA, "P1")["error"].startswith("No se encontró")
    assert not fvm.project_card(tree, PLANNER, "P1")["follow_up"]["may_write"]
    assert len(_state(tree)["entries"]) == 1


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"assignee": "E7"}, "no integra el equipo"),  # Miranda's team
        ({"assignee": "Juan Cualquiera"}, "no integra el equipo"),  # not a member at all
        ({"institution": "Hidrocapital"}, "no se enruta"),
        ({"status": "borrado"}, "Estado desconocido"),
        ({"link": "A1"}, "ya está vinculado"),  # by the load
        ({"link": "NO-EXISTE"}, "no existe en el municipio"),
        ({"link": ["A2"]}, "valor no válido"),
        ({"due_date": "2025-02-30"}, "no es una fecha válida"),
    ],
)
def test_bad_input_on_a_project_is_refused_with_a_message(tree, fields, words):
    with pytest.raises(followup.FollowUpError, match=words):
        _save(tree, OP1, 0, **fields)
    assert _state(tree)["version"] == 0


def test_a_link_is_refused_twice_and_for_an_agreement_of_another_municipality(tree):
    assert _save(tree, OP1, 0, link="A2") == 1
    with pytest.raises(followup.FollowUpError, match="ya está vinculado"):
        _save(tree, OP1, 1, link="A2")
    # A Miranda project and a Capital agreement: not its municipality's (the national operator sees both).
    national = Actor("op.nacional", Scope(role="operator"))
    with pytest.raises(followup.FollowUpError, match="no existe en el municipio"):
        _save(tree, national, 0, code="P3", link="A2")
    # A case is not linked from the follow-up form.
    with pytest.raises(followup.FollowUpError, match="no se vincula"), tree.begin() as conn:
        followup.save(conn, OP1, "case", "C1", 0, link="A2")


def test_two_operators_on_one_project_get_the_conflict_message(tree):
    saved, _ = _form_save(tree, OP1, 0, status="stalled", note="Paralizado por lluvias")
    assert saved
    saved, message = _form_save(tree, OP2, 0, status="completed", note="Culminado")
    assert not saved and message.startswith("Conflicto: op.uno modificó este registro") and "No se guardó" in message
    # The card the second operator sees again: the other's change, and the note being written kept.
    card = fvm.project_card(tree, OP2, "P1", message=message, error=True, kept_note="Culminado")
    assert card["follow_up"]["status"] == "stalled" and card["follow_up"]["note"] == "Culminado"
    assert card["follow_up"]["error"] and card["follow_up"]["version"] == 1
    assert [e["note"] for e in _state(tree)["entries"]] == ["Paralizado por lluvias"]
    # With the fresh version it goes through.
    assert _form_save(tree, OP2, 1, status="completed", note="Culminado")[0]
    assert _state(tree)["status"] == "completed"


def test_a_later_stage_change_by_a_load_keeps_the_room_entries_and_the_newer_wins(tree):
    _save(tree, OP1, 0, status="stalled", note="sala")
    with tree.begin() as conn:  # the room acted yesterday
        conn.execute(update(FollowUp).values(status_at=func.now() - dt.timedelta(days=1)))
        # a load moves the stage today (the trigger records the change)
        conn.execute(text("UPDATE project SET stage = 'completed' WHERE code = 'P1'"))
    card = fvm.project_card(tree, OP1, "P1")
    fields = dict(card["fields"])
    assert fields["Etapa"].startswith("Culminado — sala: Paralizado") and "vale el de la carga" in fields["Etapa"]
    assert [h["what"] for h in card["follow_history"] if h["room"]] == ["Estado: Paralizado"]
    assert any(h["what"] == "Etapa: En ejecución → Culminado" for h in card["follow_history"] if not h["room"])
    with tree.connect() as conn:
        assert conn.execute(select(func.count()).select_from(FollowUpEntry)).scalar_one() == 1


def test_a_member_who_moves_seats_in_a_reload_keeps_the_history_as_it_was(tree, tmp_path):
    assert _save(tree, OP1, 0, assignee="E4") == 1
    # A re-load moves José Gil (E4) from rapporteur to secretary, and Rosa Paz (E5) the other way.
    moved = [["E4", "0101", "secretario", "José Gil", "", "", "Mesa de agua", "", ""],
             ["E5", "0101", "relatora", "Rosa Paz", "", "", "Mesa de agua", "", ""]]
    result = load_file(tree, "followup-team", write_csv(tmp_path / "moved.csv", HEADER, moved))
    assert (result.inserted, result.updated, result.rejected) == (0, 2, 0), result.rejects
    assert rows(tree, "SELECT count(*) FROM team_member WHERE name = 'José Gil'") == [(1,)]  # not duplicated
    card = fvm.project_card(tree, OP1, "P1")
    # The assignment still points at him, now in his new seat; the history says what it said then.
    assert dict(card["fields"])["Responsable del seguimiento"] == "José Gil — Secretario(a) de mesa (Mesa de agua)"
    assert [h["what"] for h in card["follow_history"] if h["room"]] == [
        "Asignado a José Gil — Relator(a) de mesa (Mesa de agua)"]


def test_a_project_linked_by_the_room_is_listed_on_the_agreements_card(tree):
    from dashboard import agreement_vm as avm

    def answers(code):
        return [s["code"] for s in avm.agreement_card(tree, OP1, code)["solutions"] if s["kind"] == "Proyecto"]

    assert answers("A2") == [] and answers("A1") == ["P1"]  # A1 by the load
    _save(tree, OP1, 0, link="A2")
    assert answers("A2") == ["P1"] and answers("A1") == ["P1"]
