"""What each role may do, defined once, and the acting principal every write takes.

The roles of DESIGN § 4 Access:

- operator: reads its scope, acknowledges alerts, writes its room's shift log (and will
  follow up records);
- director: reads its territory (and will follow up records in it);
- planner: reads and exports its scope;
- admin: everything, plus users and loads.

An `Actor` is who acts (username, or None while access is open) with their `Scope`
(role and territory). The functions that write take one and call `require` themselves,
so no page, route or command can skip the check; the dashboard and the HTTP routes ask
`may` first only to show a control or not. Open access (no users yet) acts as a national
administrator; the command line acts as the local administrator, who holds the
database's credentials anyway (see `local_admin`).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection

from geodata import errors as sala_errors
from geodata.access import NATIONAL, Scope, scope_for
from geodata.vocab import ROLES


class Action(StrEnum):
    READ = "read"
    ACKNOWLEDGE = "acknowledge"
    SHIFT_LOG = "shift_log"
    FOLLOW_UP = "follow_up"  # following up records (cases, agreements, projects)
    SUBSCRIBE = "subscribe"  # a room's notification subscriptions
    MANAGE_TEAM = "manage_team"  # the cabinets' follow-up teams (administrators only)
    EXPORT = "export"
    MANAGE_USERS = "manage_users"
    LOAD = "load"


PERMISSIONS: dict[str, frozenset[Action]] = {
    "operator": frozenset({Action.READ, Action.ACKNOWLEDGE, Action.SHIFT_LOG, Action.FOLLOW_UP, Action.SUBSCRIBE}),
    "director": frozenset({Action.READ, Action.FOLLOW_UP}),
    "planner": frozenset({Action.READ, Action.EXPORT}),
    "admin": frozenset(Action),
}

# What a refusal says the role may not do ("Su rol (Director estadal) no permite …").
ACTION_LABELS: dict[Action, str] = {
    Action.READ: "consultar datos",
    Action.ACKNOWLEDGE: "reconocer alertas",
    Action.SHIFT_LOG: "escribir en la bitácora de turno",
    Action.FOLLOW_UP: "dar seguimiento a registros",
    Action.SUBSCRIBE: "suscribir la sala a notificaciones",
    Action.MANAGE_TEAM: "modificar el equipo de seguimiento",
    Action.EXPORT: "descargar ni exportar datos",
    Action.MANAGE_USERS: "administrar usuarios",
    Action.LOAD: "cargar datos",
}


class PermissionDenied(sala_errors.Forbidden):
    """The actor's role does not allow the action; the message (Spanish) is for the user."""

    def __init__(self, actor: Actor, action: Action):
        self.action = action
        super().__init__(f"Su rol ({ROLES.get(actor.role, actor.role)}) no permite {ACTION_LABELS[action]}.")


@dataclass(frozen=True)
class Actor:
    """Who acts and within which scope; the role is the scope's."""

    username: str | None
    scope: Scope = NATIONAL

    @property
    def role(self) -> str:
        return self.scope.role

    def may(self, action: Action) -> bool:
        return action in PERMISSIONS.get(self.role, frozenset())

    def require(self, action: Action) -> None:
        """Raise PermissionDenied unless the role allows `action`."""
        if not self.may(action):
            raise PermissionDenied(self, action)


# While no user exists the room is open, and whoever opens it is its administrator.
OPEN_ACCESS = Actor(None, NATIONAL)


def local_admin() -> Actor:
    """The command line's actor: the local administrator, named after the system account
    (audited as `cli:<account>`), with national scope and every permission."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        account = "desconocido"
    return Actor(f"cli:{account}"[:80], NATIONAL)


def actor_for(conn: Connection, username: str) -> Actor | None:
    """The actor of an active user (their role and scope), or None."""
    if "\x00" in username:
        return None
    scope = scope_for(conn, username)
    return Actor(username, scope) if scope is not None else None
