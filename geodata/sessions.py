"""Server-side login sessions: the browser holds a random token, the database its hash.

A session is valid while its row is unrevoked and unexpired and its user is active; the
check is one primary-key read joined to the user (no cache), so a logout, `sala users
disable` or a new password ends it on the very next request, in every server process.
Only the token's SHA-256 is stored: a copy of the table opens no session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Connection, delete, func, insert, select, update

from geodata.access import Scope
from geodata.models import AppUser, Territory, UserSession
from geodata.permissions import Actor

SESSION_HOURS = 12  # one room shift, with margin
_SOURCE_MAX = 64


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def open_session(conn: Connection, username: str, *, source: str | None = None) -> str:
    """A new session for an active user; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    user_id = conn.execute(select(AppUser.id).where(AppUser.username == username, AppUser.active.is_(True))).scalar_one()
    # Expired sessions are of no use to anyone: a login clears them out.
    conn.execute(delete(UserSession).where(UserSession.expires_at < func.now() - dt.timedelta(days=1)))
    conn.execute(
        insert(UserSession).values(
            token_hash=_hash(token),
            user_id=user_id,
            expires_at=func.now() + dt.timedelta(hours=SESSION_HOURS),
            source=(source or "")[:_SOURCE_MAX] or None,
        )
    )
    return token


def session_actor(conn: Connection, token: str) -> Actor | None:
    """The actor of a live session (its user's current role and scope), or None."""
    if not isinstance(token, str) or not token or "\x00" in token:
        return None
    row = conn.execute(
        select(AppUser.username, AppUser.role, Territory.code, Territory.path)
        .select_from(UserSession)
        .join(AppUser, AppUser.id == UserSession.user_id)
        .outerjoin(Territory, Territory.id == AppUser.scope_territory_id)
        .where(
            UserSession.token_hash == _hash(token),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > func.now(),
            AppUser.active.is_(True),
        )
    ).first()
    if row is None:
        return None
    return Actor(row.username, Scope(role=row.role, territory_code=row.code, territory_path=row.path))


def end_session(conn: Connection, token: str) -> None:
    """Revoke one session (logout); its cookie opens nothing from now on."""
    if isinstance(token, str) and token and "\x00" not in token:
        conn.execute(update(UserSession).where(UserSession.token_hash == _hash(token)).values(revoked_at=func.now()))


def end_user_sessions(conn: Connection, username: str) -> int:
    """Revoke every open session of a user (disabled, or given a new password)."""
    user_ids = select(AppUser.id).where(AppUser.username == username).scalar_subquery()
    return conn.execute(
        update(UserSession)
        .where(UserSession.user_id == user_ids, UserSession.revoked_at.is_(None))
        .values(revoked_at=func.now())
    ).rowcount
