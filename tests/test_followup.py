"""The room's follow-up of a record (geodata.followup): each rule both ways — role, scope,
optimistic locking, the routing table's suggestion, and loads that never erase the room's
entries, the newer status winning."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text, update

from etl.load import load_file
from geodata import followup
from geodata.access import Scope
from geodata.models import AuditLog, FollowUp, FollowUpEntry
from geodata.permissions import Actor, PermissionDenied
from geodata.records import case_history
from tests.dashboard_fixtures import populated_tree
from tests.etl_builders import write_csv

CAPITAL = Scope(role="operator", territory_code="01", territory_path="/01/")
MIRANDA = Scope(role="operator", territory_code="15", territory_path="/15/")
OP_CAPITAL = Actor("op.capital", CAPITAL)
OP_CAPITAL_2 = Actor("op.capital.2", CAPITAL)
OP_MIRANDA = Actor("op.miranda", MIRANDA)
PLANNER_CAPITAL = Actor("plan.capital", Scope(role="planner", territory_code="01", territory_path="/01/"))
DIRECTOR_CAPITAL = Actor("dir.capital", Scope(role="director", territory_code="01", territory_path="/01/"))


@pytest.fixture
def tree(engine):
    with engine.begin() as conn:
        populated_tree(conn)
    return engine


def _save(engine, actor, code, version, **fields):
    with engine.begin() as conn:
        return followup.save(conn, actor, "case", code, version, **fields)


def _state(engine, code, kind="case"):
    with engine.connect() as conn:
        return followup.state(conn, kind, code)


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_an_operator_routes_assigns_sets_a_due_date_and_comments(tree):
    version = _save(tree, OP_CAPITAL, "C1", 0, institution="  Hidrocapital ", assignee="Ana Pérez",
                    due_date="2025-07-15", note="Llamar al jefe de zona")
    assert version == 1
    state = _state(tree, "C1")
    assert (state["institution"], state["assignee"], state["due_date"]) == ("Hidrocapital", "Ana Pérez", dt.date(2025, 7, 15))
    assert state["version"] == 1 and state["updated_by"] == "op.capital"
    assert [(e["action"], e["value"], e["note"], e["username"]) for e in state["entries"]] == [
        ("route", "Hidrocapital", None, "op.capital"),
        ("assign", "Ana Pérez", None, "op.capital"),
        ("due_date", "2025-07-15", None, "op.capital"),
        ("comment", None, "Llamar al jefe de zona", "op.capital"),
    ]
    # A status change carries its note; fields sent unchanged make no entry.
    assert _save(tree, OP_CAPITAL, "C1", 1, institution="Hidrocapital", status="in_progress", note="Cuadrilla en camino") == 2
    entries = _state(tree, "C1")["entries"]
    assert [(e["action"], e["value"], e["note"]) for e in entries[4:]] == [("status", "in_progress", "Cuadrilla en camino")]
    # Everything is in the audit log, under the record.
    with tree.connect() as conn:
        audited = conn.execute(
            select(AuditLog.action, AuditLog.username).where(AuditLog.target == "case:C1").order_by(AuditLog.id)
        ).all()
    assert [a for a, _ in audited] == ["follow_up_route", "follow_up_assign", "follow_up_due_date", "follow_up_comment",
                                        "follow_up_status"]
    assert {u for _, u in audited} == {"op.capital"}
    # A director follows up records in their territory too.
    assert _save(tree, DIRECTOR_CAPITAL, "C1", 2, note="Visto por la dirección") == 3


def test_a_miranda_operator_cannot_write_a_capital_case(tree):
    with pytest.raises(followup.FollowUpError) as foreign:
        _save(tree, OP_MIRANDA, "C1", 0, institution="Hidrocapital", note="desde Miranda")
    with pytest.raises(followup.FollowUpError) as made_up:
        _save(tree, OP_MIRANDA, "NO-EXISTE", 0, note="desde Miranda")
    # The same words for a record elsewhere and for none: nothing to learn from them.
    assert str(foreign.value).replace("C1", "K") == str(made_up.value).replace("NO-EXISTE", "K")
    assert "fuera de su ámbito" in str(foreign.value)
    assert _count(tree, FollowUp) == 0 and _count(tree, FollowUpEntry) == 0
    # … and the same operator writes Miranda's own case.
    assert _save(tree, OP_MIRANDA, "C5", 0, institution="Hidrocentro") == 1
    with pytest.raises(followup.FollowUpError):  # nor reads the Capital's follow-up
        with tree.connect() as conn:
            followup.state(conn, "case", "C1", MIRANDA)


def test_a_viewer_role_cannot_write(tree):
    with pytest.raises(PermissionDenied, match="no permite dar seguimiento"):
        _save(tree, PLANNER_CAPITAL, "C1", 0, note="un planificador")
    assert _count(tree, FollowUpEntry) == 0
    assert _save(tree, OP_CAPITAL, "C1", 0, note="un operador") == 1


def test_two_operators_on_one_case_get_a_conflict_never_an_overwrite(tree):
    # Both opened the case when it had no follow-up (version 0).
    assert _save(tree, OP_CAPITAL, "C1", 0, assignee="Ana Pérez") == 1
    with pytest.raises(followup.FollowUpConflict) as conflict:
        _save(tree, OP_CAPITAL_2, "C1", 0, assignee="Luis Gómez", note="lo tomo yo")
    said = str(conflict.value)
    assert said.startswith("Conflicto") and "op.capital" in said and "No se guardó" in said
    assert conflict.value.status == 409
    state = _state(tree, "C1")
    assert state["assignee"] == "Ana Pérez" and len(state["entries"]) == 1
    # After reopening (version 1) the second operator's change goes through.
    assert _save(tree, OP_CAPITAL_2, "C1", 1, assignee="Luis Gómez") == 2
    with pytest.raises(followup.FollowUpConflict):  # and now the first one is behind
        _save(tree, OP_CAPITAL, "C1", 1, note="tarde")
    assert _state(tree, "C1")["assignee"] == "Luis Gómez"


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"note": "   "}, "No hay cambios"),
        ({"due_date": "2025-13-45"}, "no es una fecha válida"),
        ({"status": "borrado"}, "Estado desconocido"),
        ({"institution": "x" * 201}, "demasiado largo"),
        ({"note": "a\x00b"}, "caracteres no válidos"),
        ({"assignee": ["lista"]}, "valor no válido"),
    ],
)
def test_bad_input_is_refused_with_a_message(tree, fields, words):
    with pytest.raises(followup.FollowUpError, match=words):
        _save(tree, OP_CAPITAL, "C1", 0, **fields)
    assert _count(tree, FollowUpEntry) == 0


@pytest.mark.parametrize("version", [-1, "1", None, True, 1.0])
def test_a_version_that_is_no_count_is_refused(tree, version):
    with pytest.raises(followup.FollowUpError, match="Versión"):
        _save(tree, OP_CAPITAL, "C1", version, note="x")


def test_the_routing_table_is_a_file_and_the_deepest_rule_wins(tree, tmp_path):
    rules = write_csv(
        tmp_path / "enrutamiento.csv", ["codigo", "categoria", "cod_territorio", "institucion"],
        [
            ["R1", "agua", "01", "Hidrocapital"],
            ["R2", "agua", "0101", "Hidrocapital Libertador"],
            ["R3", "salud", "01", "Misión Barrio Adentro"],
            ["R4", "agua", "99", "Nadie"],  # no such territory: refused
        ],
    )
    result = load_file(tree, "routing", rules)
    assert (result.inserted, result.rejected) == (3, 1)
    with tree.connect() as conn:
        suggest = lambda category, code: followup.suggest_institution(  # noqa: E731
            conn, category, conn.execute(text("SELECT path FROM territory WHERE code = :c"), {"c": code}).scalar_one()
        )
        assert suggest("water", "0101010101") == "Hidrocapital Libertador"  # the municipality's rule
        assert suggest("water", "01") == "Hidrocapital"  # the state's, above the municipality
        assert suggest("health", "010102") == "Misión Barrio Adentro"
        assert suggest("water", "1501") is None  # no rule in Miranda
        assert suggest("roads", "0101010101") is None
    # A new file changes a rule by its code.
    again = write_csv(tmp_path / "r2.csv", ["codigo", "categoria", "cod_territorio", "institucion"],
                      [["R2", "agua", "0101", "Hidroven"]])
    assert load_file(tree, "routing", again).updated == 1
    with tree.connect() as conn:
        path = conn.execute(text("SELECT path FROM territory WHERE code = '0101010101'")).scalar_one()
        assert followup.suggest_institution(conn, "water", path) == "Hidroven"


def _load_case(engine, tmp_path, status, resolved=""):
    path = write_csv(tmp_path / f"casos-{status}.csv",
                     ["code", "reported_date", "category", "status", "territory_code", "resolved_date"],
                     [["C1", "2025-06-01", "water", status, "0101010101", resolved]])
    assert load_file(engine, "case", path).rejected == 0


def _sides(engine):
    with engine.connect() as conn:
        loaded = case_history(conn, "C1")[-1]
        return followup.status_sides(loaded, followup.state(conn, "case", "C1"))


def test_a_later_load_keeps_the_room_entries_and_the_newer_status_wins(tree, tmp_path):
    _save(tree, OP_CAPITAL, "C1", 0, institution="Hidrocapital", status="resolved", note="Reparado por la cuadrilla")
    # The load's last observed status dates from its report (2025-06-01); the room's is today: the room wins.
    sides = _sides(tree)
    assert sides["loaded"] == ("reported", dt.date(2025, 6, 1)) and sides["room"][0] == "resolved"
    assert (sides["effective"], sides["winner"], sides["disagree"]) == ("resolved", "room", True)
    # A load of the same case, with the status it had: the room's entries stay, the room still wins.
    _load_case(tree, tmp_path, "reported")
    state = _state(tree, "C1")
    assert [e["action"] for e in state["entries"]] == ["route", "status"] and state["institution"] == "Hidrocapital"
    assert _sides(tree)["effective"] == "resolved"
    # The room's change was yesterday; today's load observes a new status: the load wins, both are shown.
    with tree.begin() as conn:
        conn.execute(update(FollowUp).values(status_at=func.now() - dt.timedelta(days=1)))
    _load_case(tree, tmp_path, "in_progress")
    sides = _sides(tree)
    assert sides["loaded"][0] == "in_progress" and sides["room"][0] == "resolved"
    assert (sides["effective"], sides["winner"], sides["disagree"]) == ("in_progress", "loaded", True)
    assert len(_state(tree, "C1")["entries"]) == 2  # still there


def test_effective_status_rule_both_ways():
    day = dt.date(2025, 6, 10)
    assert followup.effective_status(("reported", day), None) == "reported"
    assert followup.effective_status(("reported", day), ("resolved", day + dt.timedelta(days=1))) == "resolved"
    assert followup.effective_status(("in_progress", day), ("resolved", day - dt.timedelta(days=1))) == "in_progress"
    assert followup.effective_status(("in_progress", day), ("resolved", day)) == "resolved"  # same day: the room's


def test_the_audit_log_lists_follow_up_changes_with_filters(tree):
    from geodata import audit

    _save(tree, OP_CAPITAL, "C1", 0, institution="Hidrocapital", note="primera")
    _save(tree, OP_MIRANDA, "C5", 0, assignee="Luis")
    with tree.connect() as conn:
        mine = audit.entries(conn, username="op.capital", action="follow_up")
        assert [r["action"] for r in mine] == ["follow_up_comment", "follow_up_route"] or \
            sorted(r["action"] for r in mine) == ["follow_up_comment", "follow_up_route"]
        assert {r["target"] for r in audit.entries(conn, target="case:C5")} == {"case:C5"}
        assert audit.entries(conn, action="follow_up", since=dt.date(2100, 1, 1)) == []
