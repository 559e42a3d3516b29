"""People who log in: accounts, passwords and the audit trail of their sessions.

Passwords are kept as scrypt hashes (`scrypt$n$r$p$salt$hash`, salt and hash in
base64) with a random salt each; verification compares in constant time and costs the
same whether or not the user exists, so a login form cannot be used to list accounts.
Every login, failed login and logout goes to `audit_log`; the login throttle counts the
failures there (per user and client address), so every server process sees the same count.

Managing users is an administrator's action: the writes here take the acting `Actor`
(`by`) and refuse any other role. Left out, `by` is the local administrator — the command
line or Python code, which hold the database's credentials anyway.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from geodata import errors as sala_errors
from geodata.access import Scope, scope_for
from geodata.models import AppUser, AuditLog, Territory
from geodata.permissions import Action, Actor, local_admin
from geodata.sessions import end_user_sessions
from geodata.territory import resolve
from geodata.vocab import ROLES

# scrypt cost: 2^15 × 8 × 1 uses 32 MiB and ~50 ms per login on a small server, which
# is slow for an attacker holding the table and quick for a person at a login form.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32
MIN_PASSWORD_LENGTH = 8
MAX_FAILURES, FAILURE_WINDOW = 5, dt.timedelta(minutes=5)  # failed logins per user and client
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$")


class UserError(sala_errors.InvalidInput):
    """A user cannot be created or changed as asked; the message is for the person asking."""


@dataclass(frozen=True)
class UserInfo:
    username: str
    full_name: str
    role: str
    territory_code: str | None
    territory_name: str | None
    active: bool
    created_at: dt.datetime

    @property
    def role_label(self) -> str:
        return ROLES[self.role]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * 1024 * 1024)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """True when `password` matches the stored hash; False for any malformed hash."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = _scrypt(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Checked against when the user does not exist, so both paths take the same time.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def _printable(value: str | None) -> str | None:
    """Text PostgreSQL can store: NUL (which it refuses in strings) shown as U+FFFD."""
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


def audit(conn: Connection, username: str | None, action: str, target: str | None = None, **detail) -> None:
    detail = {key: _printable(value) for key, value in detail.items()}
    conn.execute(insert(AuditLog).values(username=_printable(username), action=action, target=_printable(target), detail=detail))


def _acting(by: Actor | None) -> Actor:
    actor = by or local_admin()
    actor.require(Action.MANAGE_USERS)
    return actor


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"la contraseña debe tener al menos {MIN_PASSWORD_LENGTH} caracteres")


def create_user(
    conn: Connection,
    username: str,
    password: str,
    role: str,
    territory_code: str | None = None,
    full_name: str = "",
    *,
    by: Actor | None = None,
) -> int:
    """Add an active user; directors must be given the territory they direct."""
    actor = _acting(by)
    username = username.strip()
    if not _USERNAME.match(username):
        raise UserError(
            f"nombre de usuario no válido «{username}»: de 2 a 80 letras, cifras o . _ @ -, empezando por letra o cifra"
        )
    if role not in ROLES:
        raise UserError(f"rol desconocido «{role}»: use uno de {', '.join(ROLES)}")
    if role == "director" and not territory_code:
        raise UserError("un director debe tener un territorio: indique --territory CÓDIGO (p. ej. el de su estado)")
    _check_password(password)
    territory_id = None
    if territory_code:
        node = resolve(conn, territory_code)
        if node is None:
            raise UserError(f"no existe el territorio «{territory_code}»")
        territory_id = node.id
    if conn.execute(select(AppUser.id).where(func.lower(AppUser.username) == username.lower())).first():
        raise UserError(f"ya existe un usuario «{username}»")
    user_id = conn.execute(
        insert(AppUser)
        .values(
            username=username,
            full_name=full_name.strip(),
            password_hash=hash_password(password),
            role=role,
            scope_territory_id=territory_id,
        )
        .returning(AppUser.id)
    ).scalar_one()
    audit(conn, actor.username, "user_created", username, role=role, territory=territory_code)
    return user_id


def authenticate(conn: Connection, username: str, password: str, *, source: str | None = None) -> Scope | None:
    """The scope of an active user whose password matches, or None; either way, audited."""
    username = (username or "").strip()
    # No account has a NUL in its name (PostgreSQL would refuse to even compare one).
    findable = username and "\x00" not in username
    row = conn.execute(
        select(AppUser.password_hash, AppUser.active).where(AppUser.username == username)
    ).first() if findable else None
    matches = verify_password(password or "", row.password_hash if row else _DUMMY_HASH)
    if row is None or not matches or not row.active:
        reason = "unknown_user" if row is None else ("bad_password" if not matches else "inactive")
        audit(conn, username or None, "login_failed", username or None, reason=reason, source=source)
        return None
    audit(conn, username, "login", username, source=source)
    return scope_for(conn, username)


def logout(conn: Connection, username: str, *, source: str | None = None) -> None:
    audit(conn, username, "logout", username, source=source)


def failed_logins(conn: Connection, username: str, source: str | None) -> int:
    """Failed logins for this user name from this client address in the last FAILURE_WINDOW."""
    return conn.execute(
        select(func.count())
        .select_from(AuditLog)
        .where(
            AuditLog.action == "login_failed",
            AuditLog.target == (_printable((username or "").strip()) or None),
            AuditLog.detail["source"].astext == _printable(source),
            AuditLog.at > func.now() - FAILURE_WINDOW,
        )
    ).scalar_one()


def account_state(conn: Connection, username: str) -> tuple[Actor, str] | None:
    """An active user's actor and a stamp that changes with their password, in one query
    (None if there is no such active user). HTTP Basic clients are checked with it on
    every request: a new password or a disabled account ends their access at once."""
    if "\x00" in username:
        return None
    row = conn.execute(
        select(AppUser.password_hash, AppUser.role, Territory.code, Territory.path)
        .select_from(AppUser)
        .outerjoin(Territory, Territory.id == AppUser.scope_territory_id)
        .where(AppUser.username == username, AppUser.active.is_(True))
    ).first()
    if row is None:
        return None
    actor = Actor(username, Scope(role=row.role, territory_code=row.code, territory_path=row.path))
    return actor, hashlib.sha256(row.password_hash.encode("ascii")).hexdigest()[:16]


def has_active_users(conn: Connection) -> bool:
    return conn.execute(select(AppUser.id).where(AppUser.active.is_(True)).limit(1)).first() is not None


def list_users(conn: Connection) -> list[UserInfo]:
    rows = conn.execute(
        select(
            AppUser.username,
            AppUser.full_name,
            AppUser.role,
            Territory.code,
            Territory.name,
            AppUser.active,
            AppUser.created_at,
        )
        .select_from(AppUser)
        .outerjoin(Territory, Territory.id == AppUser.scope_territory_id)
        .order_by(AppUser.username)
    ).all()
    return [UserInfo(*row) for row in rows]


def _change(conn: Connection, username: str, **values) -> None:
    changed = conn.execute(update(AppUser).where(AppUser.username == username).values(**values)).rowcount
    if not changed:
        raise UserError(f"no existe el usuario «{username}»")


def set_password(conn: Connection, username: str, password: str, *, by: Actor | None = None) -> None:
    """A new password; the sessions opened with the old one end."""
    actor = _acting(by)
    _check_password(password)
    _change(conn, username, password_hash=hash_password(password))
    end_user_sessions(conn, username)
    audit(conn, actor.username, "password_changed", username)


def deactivate(conn: Connection, username: str, *, by: Actor | None = None) -> None:
    """Disable an account (kept, with its history; it can no longer log in, its sessions end)."""
    actor = _acting(by)
    _change(conn, username, active=False)
    end_user_sessions(conn, username)
    audit(conn, actor.username, "user_disabled", username)


def scope_label(info: UserInfo) -> str:
    """How a user's scope reads in a listing: «Nacional» or «Estado Miranda (15)»."""
    if info.territory_code is None:
        return "Nacional"
    return f"{info.territory_name} ({info.territory_code})"

