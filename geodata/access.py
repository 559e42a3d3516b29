"""Territorial scope: what part of the tree a user may see.

Every query that returns territories or records takes a `Scope` and applies it here, in
`geodata`, so no page or export can show what the role may not see.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select, true

from geodata.errors import NotFound
from geodata.models import AppUser, Territory


@dataclass(frozen=True)
class Scope:
    """A role and, for directors, the root of the subtree they see (None: the whole country)."""

    role: str = "admin"
    territory_code: str | None = None
    territory_path: str | None = None

    @property
    def national(self) -> bool:
        return self.territory_path is None

    def allows(self, path: str | None) -> bool:
        """True when the territory with this path is inside the scope."""
        if self.national:
            return True
        return path is not None and path.startswith(self.territory_path)

    def allows_code(self, conn: Connection, code: str | None) -> bool:
        """Like `allows` for a code; the country (None) is visible only to a national scope."""
        if code is None:
            return self.national
        path = conn.execute(select(Territory.path).where(Territory.code == code)).scalar()
        return path is not None and self.allows(path)

    def condition(self, path_column=Territory.path):
        """A WHERE clause keeping the territories inside the scope."""
        if self.national:
            return true()
        return path_column.startswith(self.territory_path, autoescape=True)

    def ancestor_visible(self, path: str) -> bool:
        """True for the nodes a director passes through to reach their scope (breadcrumb only)."""
        return self.national or self.territory_path.startswith(path)


NATIONAL = Scope()


class ScopeError(NotFound):
    """The territory asked for is unknown or outside the user's scope: both read as 'not
    found', so a director cannot learn what exists outside their state."""

    def __init__(self, code: str | None = None):
        self.code = code
        super().__init__(f"Territorio no encontrado: «{code}» (no existe o está fuera de su ámbito).")


def scope_for(conn: Connection, username: str) -> Scope | None:
    """The scope of an active user, or None if there is no such active user."""
    row = conn.execute(
        select(AppUser.role, Territory.code, Territory.path)
        .select_from(AppUser)
        .outerjoin(Territory, Territory.id == AppUser.scope_territory_id)
        .where(AppUser.username == username, AppUser.active.is_(True))
    ).first()
    if row is None:
        return None
    return Scope(role=row.role, territory_code=row.code, territory_path=row.path)
