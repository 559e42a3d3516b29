"""The cabinet's follow-up team: loaded as a file (every format, each reject reason) and
edited by an administrator (role, scope, seats, audit); agreements assigned to its members."""

from __future__ import annotations

import geopandas as gpd
import pytest
from openpyxl import Workbook
from sqlalchemy import select

from etl.load import load_file
from geodata import followup, team
from geodata.access import Scope, ScopeError
from geodata.models import AuditLog
from geodata.permissions import Actor, PermissionDenied
from tests.dashboard_fixtures import populated_tree
from tests.etl_builders import rows, write_csv, write_vector

HEADER = ["codigo", "cod_municipio", "cargo", "nombre", "ministerio", "area", "mesa", "telefono", "correo"]
TEAM = [
    ["E1", "0101", "Enlace ministerial", "Ana Pérez", "MPP para el Agua", "", "", "0412-0000001", "ana@example.org"],
    ["E2", "0101", "alcaldía", "Luis Rojas", "", "", "", "", ""],
    ["E3", "0101", "Vocera", "María Díaz", "", "Social", "", "", ""],
    ["E4", "0101", "relator", "José Gil", "", "Servicios Públicos", "Mesa de agua", "", ""],
    ["E5", "0101", "Secretaria de mesa", "Rosa Paz", "", "", "Mesa de agua", "", ""],
    ["E6", "0101", "sistematizador", "Pedro Luna", "", "", "Mesa de agua", "", ""],
    ["E7", "1501", "Gobernación", "Carla Mora", "", "", "", "", ""],
]
ADMIN = Actor("admin", Scope(role="admin"))
ADMIN_CAPITAL = Actor("admin.capital", Scope(role="admin", territory_code="01", territory_path="/01/"))
OPERATOR = Actor("op", Scope(role="operator"))


@pytest.fixture
def tree(engine):
    with engine.begin() as conn:
        populated_tree(conn)
    return engine


def _members(engine, code="0101"):
    with engine.connect() as conn:
        return team.members(conn, code)


def test_the_team_loads_with_spanish_columns_and_reloads_as_a_noop(tree, tmp_path):
    path = write_csv(tmp_path / "equipo.csv", HEADER, TEAM)
    first = load_file(tree, "followup-team", path)
    assert (first.inserted, first.rejected) == (7, 0), first.rejects
    got = {m["code"]: (m["role"], m["institution"], m["area"], m["working_table"]) for m in _members(tree)}
    assert got == {
        "E1": ("liaison", "MPP para el Agua", None, None),
        "E2": ("mayor_office", None, None, None),
        "E3": ("spokesperson", None, "social", None),
        "E4": ("rapporteur", None, "public_services", "Mesa de agua"),
        "E5": ("secretary", None, None, "Mesa de agua"),
        "E6": ("systematizer", None, None, "Mesa de agua"),
    }
    assert [m["code"] for m in _members(tree)] == ["E1", "E2", "E3", "E4", "E5", "E6"]  # by role
    again = load_file(tree, "followup-team", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 7)
    changed = write_csv(tmp_path / "e2.csv", HEADER, [["E2", "0101", "alcaldía", "Luis Rojas Díaz", "", "", "", "", ""]])
    assert load_file(tree, "followup-team", changed).updated == 1
    assert rows(tree, "SELECT name FROM team_member WHERE code = 'E2'") == [("Luis Rojas Díaz",)]


def test_every_reject_reason(tree, tmp_path):
    assert load_file(tree, "followup-team", write_csv(tmp_path / "a.csv", HEADER, TEAM[:1])).inserted == 1
    bad = [
        ["B1", "9999", "alcaldía", "Nadie", "", "", "", "", ""],  # no such municipality
        ["B2", "0101", "enlace", "Sin Ministerio", "", "", "", "", ""],
        ["B3", "0101", "vocero", "Sin Área", "", "", "", "", ""],
        ["B4", "0101", "relatora", "Sin Mesa", "", "social", "", "", ""],
        ["B5", "0101", "enlace", "Otro Enlace", "mpp para el agua", "", "", "", ""],  # E1's seat (case-insensitive)
        ["B6", "0101", "gobernación", "Primera", "", "", "", "", ""],
        ["B7", "0101", "gobernación", "Segunda", "", "", "", "", ""],  # the seat repeated in the file
        ["B8", "0101", "tesorero", "Cargo Raro", "", "", "", "", ""],  # unknown role
        ["B9", "0101", "alcaldía", "", "", "", "", "", ""],  # no name
        ["B10", "0101", "vocero", "Área Rara", "", "deportes", "", "", ""],
        ["B11", "0101", "vocero", "Sí Va", "", "Seguridad Integral", "", "", ""],
    ]
    result = load_file(tree, "followup-team", write_csv(tmp_path / "b.csv", HEADER, bad))
    reasons = {bad[r["row"] - 1][0]: r["reason"] for r in result.rejects}
    assert "9999" in reasons["B1"] and "no existe" in reasons["B1"]
    assert "institución" in reasons["B2"]
    assert "área" in reasons["B3"]
    assert "mesa de trabajo" in reasons["B4"]
    assert "ya lo ocupa «E1» (Ana Pérez)" in reasons["B5"]
    assert "se repite en el archivo" in reasons["B7"] and "B6" not in reasons
    assert {"B8", "B9", "B10"} <= set(reasons)
    assert (result.inserted, result.rejected) == (2, 9)
    stored = rows(tree, "SELECT field, reason FROM etl_reject WHERE run_id = :r ORDER BY row_number", r=result.run_id)
    assert len(stored) == 9 and ("role", reasons["B5"]) in stored
    assert {m["code"] for m in _members(tree)} == {"E1", "B6", "B11"}


def test_a_file_may_move_members_between_seats_in_one_load(tree, tmp_path):
    load_file(tree, "followup-team", write_csv(tmp_path / "a.csv", HEADER, TEAM))
    swapped = [["E2", "0101", "gobernación", "Luis Rojas", "", "", "", "", ""],  # E2 leaves the mayor's office…
               ["E8", "0101", "alcaldía", "Nueva Alcaldesa", "", "", "", "", ""],  # …which E8 takes
               ["E5", "0101", "relatora", "Rosa Paz", "", "", "Mesa de agua", "", ""],  # E5 and E4 swap seats
               ["E4", "0101", "secretario", "José Gil", "", "", "Mesa de agua", "", ""]]
    result = load_file(tree, "followup-team", write_csv(tmp_path / "b.csv", HEADER, swapped))
    assert (result.inserted, result.updated, result.rejected) == (1, 3, 0), result.rejects
    got = {m["code"]: m["role"] for m in _members(tree)}
    assert (got["E2"], got["E8"], got["E5"], got["E4"]) == ("governor_office", "mayor_office", "rapporteur", "secretary")
    again = load_file(tree, "followup-team", write_csv(tmp_path / "b.csv", HEADER, swapped))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)


def _frame() -> gpd.GeoDataFrame:
    cols = ["code", "municipality_code", "role", "name", "area", "working_table"]
    data = [["X1", "0101", "vocero", "Uno", "social", None], ["X2", "0101", "relator", "Dos", None, "Mesa de salud"]]
    return gpd.GeoDataFrame([dict(zip(cols, r)) for r in data], geometry=[None, None], crs=4326)


@pytest.mark.parametrize("fmt", ["csv-semicolon", "xlsx", "geojson", "gpkg", "fgb", "shp-zip"])
def test_every_format(tree, tmp_path, fmt):
    if fmt == "csv-semicolon":
        path = write_csv(tmp_path / "equipo.csv", ["Código", "Cod. Municipio", "Rol", "Nombre", "Área", "Mesa de trabajo"],
                         [["X1", "0101", "Vocero", "Uno", "Social", ""], ["X2", "101", "Relator", "Dos", "", "Mesa de salud"]],
                         delimiter=";", encoding="latin-1")
    elif fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(["CODIGO", "MUNICIPIO", "CARGO", "NOMBRE", "AREA", "MESA"])
        sheet.append(["X1", "0101", "Vocera de área", "Uno", "Social", None])
        sheet.append(["X2", "0101", "Relatora", "Dos", None, "Mesa de salud"])
        path = tmp_path / "equipo.xlsx"
        book.save(path)
    elif fmt in ("fgb", "shp-zip"):  # formats that want a geometry: the office's point, which this kind ignores
        frame = _frame().set_geometry(gpd.points_from_xy([-66.9, -66.91], [10.5, 10.51]), crs=4326)
        path = write_vector(frame, tmp_path, fmt)
    else:
        path = tmp_path / f"equipo.{fmt}"
        _frame().to_file(path, driver={"geojson": "GeoJSON", "gpkg": "GPKG"}[fmt])
    result = load_file(tree, "followup-team", path)
    assert (result.inserted, result.rejected) == (2, 0), result.rejects
    assert {(m["code"], m["role"]) for m in _members(tree)} == {("X1", "spokesperson"), ("X2", "rapporteur")}


def test_an_admin_edits_the_team_in_scope_and_every_change_is_audited(tree):
    with tree.begin() as conn:
        code = team.save_member(conn, ADMIN_CAPITAL, "0101", role="spokesperson", name=" Ana  Pérez ", area="social")
        team.save_member(conn, ADMIN_CAPITAL, "0101", code=code, role="spokesperson", name="Ana Pérez", area="social",
                         phone="0412")
    assert [(m["code"], m["name"], m["phone"]) for m in _members(tree)] == [(code, "Ana Pérez", "0412")]
    # The seat has one holder: a second spokesperson of Social is refused, of another area allowed.
    with pytest.raises(team.TeamError, match="ya lo ocupa Ana Pérez"), tree.begin() as conn:
        team.save_member(conn, ADMIN, "0101", role="spokesperson", name="Otra", area="social")
    with tree.begin() as conn:
        other = team.save_member(conn, ADMIN, "0101", role="spokesperson", name="Otra", area="integral_security")
    # Outside the admin's scope: refused as not found; a non-admin role: refused.
    with pytest.raises(ScopeError), tree.begin() as conn:
        team.save_member(conn, ADMIN_CAPITAL, "1501", role="mayor_office", name="X")
    with pytest.raises(PermissionDenied), tree.begin() as conn:
        team.save_member(conn, OPERATOR, "0101", role="mayor_office", name="X")
    with pytest.raises(team.TeamError, match="institución"), tree.begin() as conn:
        team.save_member(conn, ADMIN, "0101", role="liaison", name="Sin ministerio")
    with pytest.raises(team.TeamError, match="Correo"), tree.begin() as conn:
        team.save_member(conn, ADMIN, "0101", role="mayor_office", name="X", email="no-es-correo")
    with tree.begin() as conn:
        team.delete_member(conn, ADMIN_CAPITAL, "0101", other)
    with pytest.raises(team.TeamError, match="desconocido"), tree.begin() as conn:
        team.delete_member(conn, ADMIN_CAPITAL, "0101", other)
    with tree.connect() as conn:
        audited = conn.execute(select(AuditLog.action, AuditLog.username, AuditLog.target)
                               .where(AuditLog.action.startswith("team_member")).order_by(AuditLog.id)).all()
    assert [a for a, _, _ in audited] == ["team_member_add", "team_member_save", "team_member_add", "team_member_delete"]
    assert audited[0][1:] == ("admin.capital", f"team:{code}")


def test_an_agreement_is_assigned_to_a_member_of_its_municipalitys_team(tree, tmp_path):
    load_file(tree, "followup-team", write_csv(tmp_path / "equipo.csv", HEADER, TEAM))
    op = Actor("op.capital", Scope(role="operator", territory_code="01", territory_path="/01/"))
    with tree.begin() as conn:
        version = followup.save(conn, op, "agreement", "A1", 0, assignee="E1", due_date="2025-08-01",
                                status="in_progress", note="Enlace convocado")
    # E7 belongs to Miranda's team, not to A1's municipality: refused; a free name too.
    for stranger in ("E7", "Juan Cualquiera"):
        with pytest.raises(followup.FollowUpError, match="no integra el equipo"), tree.begin() as conn:
            followup.save(conn, op, "agreement", "A1", version, assignee=stranger)
    with tree.connect() as conn:
        state = followup.state(conn, "agreement", "A1")
    assert (state["assignee"], state["status"], state["version"]) == ("E1", "in_progress", 1)
    assert [(e["action"], e["value"]) for e in state["entries"]] == [("assign", "E1"), ("due_date", "2025-08-01"),
                                                                      ("status", "in_progress")]


def test_a_seat_taken_between_the_check_and_the_commit_is_a_message(tree, monkeypatch):
    from dashboard import team_vm

    with tree.begin() as conn:
        team.save_member(conn, ADMIN, "0101", role="mayor_office", name="Primera")
    # As if the check had run before the other administrator committed: the commit refuses it.
    monkeypatch.setattr(team, "_seat", lambda values: "nadie")
    saved, message, _ = team_vm.save(tree, ADMIN, "0101", None, {"role": "mayor_office", "name": "Segunda"})
    assert not saved and message.startswith("Ese puesto acaba de ocuparlo")
    assert [m["name"] for m in _members(tree)] == ["Primera"]
