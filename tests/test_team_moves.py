"""A follow-up team member who moves in a re-load: to another seat of the same team (one
row, assignments and history kept), listed in two seats at once (refused: the file must say
which), or to another municipality's team (refused, with the reason). Each both ways."""

from __future__ import annotations

from dashboard import agreement_vm as avm
from etl.load import load_file
from geodata import followup
from geodata.access import Scope
from geodata.permissions import Actor
from tests.etl_builders import rows, write_csv
from tests.test_team import HEADER, TEAM, tree  # noqa: F401 (the fixture)

OP = Actor("op.capital", Scope(role="operator", territory_code="01", territory_path="/01/"))


def _load(engine, tmp_path, name, data):
    return load_file(engine, "followup-team", write_csv(tmp_path / name, HEADER, data))


def _assign(engine, code="E2"):
    with engine.begin() as conn:
        return followup.save(conn, OP, "agreement", "A1", 0, assignee=code, note="Asignado al despacho")


def test_a_member_moving_seats_is_one_row_and_keeps_assignments_and_history(tree, tmp_path):
    _load(tree, tmp_path, "a.csv", TEAM)
    _assign(tree)
    result = _load(tree, tmp_path, "b.csv", [["E2", "0101", "gobernación", "Luis Rojas", "", "", "", "", ""]])
    assert (result.inserted, result.updated, result.rejected) == (0, 1, 0), result.rejects
    assert rows(tree, "SELECT code, role FROM team_member WHERE name = 'Luis Rojas'") == [("E2", "governor_office")]
    assert rows(tree, "SELECT count(*) FROM team_member") == [(7,)]
    card = avm.agreement_card(tree, OP, "A1")
    fields = dict(card["fields"])
    assert fields["Responsable del seguimiento"] == "Luis Rojas — Enlace de la Gobernación"
    room = [h["what"] for h in card["history"] if h["room"]]
    assert room[0] == "Asignado a Luis Rojas — Enlace de la Alcaldía"  # as it was when assigned
    # Loaded again as it is now: nothing changes.
    again = _load(tree, tmp_path, "b.csv", [["E2", "0101", "gobernación", "Luis Rojas", "", "", "", "", ""]])
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)


def test_a_member_listed_in_two_seats_of_one_file_is_refused_and_nothing_changes(tree, tmp_path):
    _load(tree, tmp_path, "a.csv", TEAM)
    both = [["E2", "0101", "alcaldía", "Luis Rojas", "", "", "", "", ""],
            ["E2", "0101", "gobernación", "Luis Rojas", "", "", "", "", ""]]
    result = _load(tree, tmp_path, "b.csv", both)
    assert (result.inserted, result.updated, result.rejected) == (0, 0, 2)
    assert all("clave repetida" in r["reason"] for r in result.rejects)
    assert rows(tree, "SELECT role FROM team_member WHERE code = 'E2'") == [("mayor_office",)]


def test_a_member_of_another_municipalitys_team_is_refused_with_the_reason(tree, tmp_path):
    _load(tree, tmp_path, "a.csv", TEAM)
    _assign(tree)
    moved = [["E2", "1501", "alcaldía", "Luis Rojas", "", "", "", "", ""]]
    result = _load(tree, tmp_path, "b.csv", moved)
    assert (result.updated, result.rejected) == (0, 1)
    reason = result.rejects[0]["reason"]
    assert "«E2» integra el equipo de Libertador (0101)" in reason and "no cambia de municipio" in reason
    assert result.rejects[0]["field"] == "municipality_code"
    assert rows(tree, "SELECT t.code FROM team_member m JOIN territory t ON t.id = m.municipality_id WHERE m.code = 'E2'") == \
        [("0101",)]
    # The assignment is still to a member of A1's team.
    assert dict(avm.agreement_card(tree, OP, "A1")["fields"])["Responsable del seguimiento"].startswith("Luis Rojas")
    # A new code in the other municipality is a new member there.
    fresh = _load(tree, tmp_path, "c.csv", [["E9", "1501", "alcaldía", "Luis Rojas", "", "", "", "", ""]])
    assert (fresh.inserted, fresh.rejected) == (1, 0)
