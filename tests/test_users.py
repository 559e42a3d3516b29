"""Accounts, password hashing, authentication with its audit trail, and `sala users`."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geodata.access import Scope
from geodata.permissions import Actor
from geodata.users import (
    UserError,
    authenticate,
    create_user,
    deactivate,
    has_active_users,
    hash_password,
    list_users,
    logout,
    set_password,
    verify_password,
)
from tests.factories import small_tree


def audit_rows(conn):
    return conn.execute(text("SELECT username, action, target, detail FROM audit_log ORDER BY id")).all()


def test_hash_format_salt_and_verification():
    first, second = hash_password("clave-secreta"), hash_password("clave-secreta")
    scheme, n, r, p, salt, digest = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", "32768", "8", "1")
    assert first != second  # a fresh salt each time
    assert verify_password("clave-secreta", first) and verify_password("clave-secreta", second)
    assert not verify_password("clave-secreta ", first)
    assert not verify_password("clave-secreta", "plaintext") and not verify_password("x", "scrypt$1$2$3$!!$??")


def test_create_and_authenticate_a_director(engine):
    with engine.begin() as conn:
        small_tree(conn)
        create_user(conn, "maria", "caracas-2025", "director", "01", "María Pérez")
        scope = authenticate(conn, "maria", "caracas-2025", source="127.0.0.1")
        rows = audit_rows(conn)
    assert scope == Scope(role="director", territory_code="01", territory_path="/01/")
    assert scope.allows("/01/0101/") and not scope.allows("/15/")
    assert [r.action for r in rows] == ["user_created", "login"]
    assert rows[1].username == "maria" and rows[1].detail["source"] == "127.0.0.1"
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM app_user")).scalar_one()
    assert "caracas-2025" not in stored and stored.startswith("scrypt$")


def test_national_roles_and_operator_scoped_to_a_state(engine):
    with engine.begin() as conn:
        small_tree(conn)
        create_user(conn, "admin", "muy-segura-1", "admin")
        create_user(conn, "sala15", "muy-segura-2", "operator", "VE-M")
        assert authenticate(conn, "admin", "muy-segura-1").national
        operator = authenticate(conn, "sala15", "muy-segura-2")
    assert operator.role == "operator" and operator.territory_code == "15"


def test_failed_logins_are_audited_with_their_reason(engine):
    with engine.begin() as conn:
        small_tree(conn)
        create_user(conn, "pedro", "una-clave-larga", "planner")
        create_user(conn, "ana", "otra-clave-larga", "operator")
        deactivate(conn, "ana")
        assert authenticate(conn, "pedro", "equivocada") is None
        assert authenticate(conn, "nadie", "una-clave-larga") is None
        assert authenticate(conn, "ana", "otra-clave-larga") is None
        assert authenticate(conn, "", "") is None
        failed = [r for r in audit_rows(conn) if r.action == "login_failed"]
    assert [(r.target, r.detail["reason"]) for r in failed] == [
        ("pedro", "bad_password"),
        ("nadie", "unknown_user"),
        ("ana", "inactive"),
        (None, "unknown_user"),
    ]


def test_logout_password_change_and_disable(engine):
    with engine.begin() as conn:
        small_tree(conn)
        create_user(conn, "luis", "primera-clave", "operator")
        assert has_active_users(conn)
        set_password(conn, "luis", "segunda-clave", by=Actor("admin"))
        assert authenticate(conn, "luis", "primera-clave") is None
        assert authenticate(conn, "luis", "segunda-clave") is not None
        logout(conn, "luis")
        deactivate(conn, "luis", by=Actor("admin"))
        assert not has_active_users(conn)
        actions = [(r.username, r.action) for r in audit_rows(conn)]
        users = list_users(conn)
    assert ("luis", "logout") in actions and ("admin", "user_disabled") in actions and ("admin", "password_changed") in actions
    assert [(u.username, u.active) for u in users] == [("luis", False)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("jose", "clave-valida", "director"), "un director debe tener un territorio"),
        (("jose", "clave-valida", "director", "99"), "no existe el territorio «99»"),
        (("jose", "clave-valida", "jefe"), "rol desconocido «jefe»"),
        (("jose", "corta", "operator"), "al menos 8 caracteres"),
        (("jose pérez", "clave-valida", "operator"), "nombre de usuario no válido"),
        (("MARIA", "clave-valida", "operator"), "ya existe un usuario «MARIA»"),
    ],
)
def test_bad_accounts_are_refused_with_a_clear_message(engine, args, message):
    with engine.begin() as conn:
        small_tree(conn)
        create_user(conn, "maria", "caracas-2025", "director", "01")
        with pytest.raises(UserError, match=message):
            create_user(conn, *args)
        assert [u.username for u in list_users(conn)] == ["maria"]


def test_changing_an_unknown_user_is_an_error(engine):
    with engine.begin() as conn, pytest.raises(UserError, match="no existe el usuario «fantasma»"):
        deactivate(conn, "fantasma")


@pytest.fixture
def sala(db_url, monkeypatch):
    """The root `sala` app run in-process against this test's database."""
    from typer.testing import CliRunner

    from dashboard.cli import app
    from geodata.settings import get_settings

    monkeypatch.setenv("SALA_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args, stdin="": runner.invoke(app, ["users", *args], input=stdin)
    get_settings.cache_clear()


def test_cli_add_list_disable(engine, sala):
    with engine.begin() as conn:
        small_tree(conn)
    empty = sala("list")
    assert empty.exit_code == 0 and "acceso al tablero está abierto" in empty.stdout

    added = sala("add", "maria", "--role", "director", "--territory", "01", "--name", "María Pérez",
                 "--password-stdin", stdin="caracas-2025\n")
    assert added.exit_code == 0, added.output
    no_territory = sala("add", "jose", "--role", "director", "--password-stdin", stdin="clave-valida\n")
    assert no_territory.exit_code == 2 and "un director debe tener un territorio" in no_territory.stderr
    short = sala("add", "jose", "--role", "operator", "--password-stdin", stdin="corta\n")
    assert short.exit_code == 2 and "al menos 8 caracteres" in short.stderr
    prompted = sala("add", "jose", "--role", "planner", stdin="clave-valida\nclave-valida\n")
    assert prompted.exit_code == 0, prompted.output

    listing = sala("list")
    assert "maria" in listing.stdout and "Director estadal" in listing.stdout and "(01)" in listing.stdout
    assert "jose" in listing.stdout and "Planificador" in listing.stdout

    assert sala("disable", "maria").exit_code == 0
    assert "desactivado" in sala("list").stdout
    missing = sala("disable", "nadie")
    assert missing.exit_code == 2 and "no existe el usuario" in missing.stderr
    with engine.connect() as conn:
        assert authenticate(conn, "maria", "caracas-2025") is None
        assert authenticate(conn, "jose", "clave-valida").role == "planner"


def test_cli_names_the_fix_when_the_database_is_unreachable(monkeypatch):
    from typer.testing import CliRunner

    from dashboard.cli import app
    from geodata.settings import get_settings

    monkeypatch.setenv("SALA_DATABASE_URL", "postgresql://nobody:x@127.0.0.1:1/none")
    get_settings.cache_clear()
    try:
        for args in (["users", "list"], ["check"]):
            result = CliRunner().invoke(app, args)
            assert result.exit_code == 1, args
            assert "no se puede conectar con la base de datos" in result.stderr and "sala db up" in result.stderr
    finally:
        get_settings.cache_clear()
