"""The cabinet's follow-up team of a municipality (equipo de seguimiento) and its working
tables' officers: read in the viewer's scope, edited by an administrator.

Loaded as a file (`sala load followup-team`) or edited one member at a time here. Every
write takes the acting `Actor`: the role must allow managing teams (administrators), the
municipality is resolved here and refused outside the actor's scope, a seat another
member holds is refused with a message, and the change is audited (`team_member_save`,
`team_member_delete`). Agreements are assigned to these members (`geodata.followup`).
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import Connection, delete, func, insert, select, update

from geodata import errors as sala_errors
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.models import AuditLog, Territory
from geodata.permissions import Action, Actor
from geodata.team_models import TeamMember
from geodata.vocab import AREAS, TABLE_ROLES, TEAM_ROLES

_COLUMNS = ("code", "role", "name", "institution", "area", "working_table", "phone", "email")
_LIMITS = {"name": 200, "institution": 200, "working_table": 200, "phone": 40, "email": 200}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class TeamError(sala_errors.InvalidInput):
    """A member that cannot be saved (bad value, a seat already held); shown as is."""


def _municipality(conn: Connection, code, scope: Scope):
    """(id, code, name, path) of a municipality in `scope`; ScopeError otherwise."""
    if not isinstance(code, str) or not 0 < len(code) <= 32 or "\x00" in code:
        raise ScopeError(str(code)[:32] if code else "")
    row = conn.execute(
        select(Territory.id, Territory.code, Territory.name, Territory.path)
        .where(Territory.code == code, Territory.level == "municipality")
    ).one_or_none()
    if row is None or not scope.allows(row.path):
        raise ScopeError(code)
    return row


def label(member: dict) -> str:
    """`Ana Pérez — Vocero(a) de área (Social)`: a member as the agreement card lists them."""
    what = member.get("institution") if member["role"] == "liaison" else None
    if member["role"] == "spokesperson":
        what = AREAS.get(member.get("area"), member.get("area"))
    elif member["role"] in TABLE_ROLES:
        what = member.get("working_table")
    role = TEAM_ROLES.get(member["role"], member["role"])
    return f"{member['name']} — {role}" + (f" ({what})" if what else "")


_ORDER = {role: i for i, role in enumerate(TEAM_ROLES)}


def _sort_key(m) -> tuple:
    """The team's seats first (by role), then each working table with its three officers."""
    table = m["role"] in TABLE_ROLES
    return (table, (m["working_table"] or "").lower() if table else "", _ORDER.get(m["role"], 99), m["institution"] or "",
            m["name"])


def members(conn: Connection, municipality_code: str, scope: Scope = NATIONAL) -> list[dict]:
    """The team of a municipality in `scope`, by role (as in TEAM_ROLES), then table and name."""
    mun = _municipality(conn, municipality_code, scope)
    rows = conn.execute(
        select(*(getattr(TeamMember, c) for c in _COLUMNS), TeamMember.is_demo).where(TeamMember.municipality_id == mun.id)
    ).mappings().all()
    out = [dict(r) for r in rows]
    out.sort(key=_sort_key)
    for m in out:
        m["label"] = label(m)
    return out


def members_of(conn: Connection, municipality_id: int) -> dict[str, str]:
    """Code → label of a municipality's members (the agreement card's choices)."""
    rows = conn.execute(
        select(*(getattr(TeamMember, c) for c in _COLUMNS)).where(TeamMember.municipality_id == municipality_id)
    ).mappings().all()
    ordered = sorted(rows, key=_sort_key)
    return {m["code"]: label(m) for m in ordered}


def _clean(value, field: str, label_: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or "\x00" in value:
        raise TeamError(f"{label_}: valor no válido.")
    value = " ".join(value.split())
    if len(value) > _LIMITS[field]:
        raise TeamError(f"{label_}: demasiado largo (máximo {_LIMITS[field]} caracteres).")
    return value or None


def _values(role, name, institution, area, working_table, phone, email) -> dict:
    if role not in TEAM_ROLES:
        raise TeamError(f"Cargo desconocido: «{str(role)[:30]}».")
    values = {
        "role": role,
        "name": _clean(name, "name", "Nombre"),
        "institution": _clean(institution, "institution", "Institución"),
        "area": area or None,
        "working_table": _clean(working_table, "working_table", "Mesa de trabajo"),
        "phone": _clean(phone, "phone", "Teléfono"),
        "email": _clean(email, "email", "Correo"),
    }
    if not values["name"]:
        raise TeamError("Falta el nombre del integrante.")
    if values["area"] is not None and values["area"] not in AREAS:
        raise TeamError(f"Área desconocida: «{str(area)[:30]}».")
    if role == "liaison" and not values["institution"]:
        raise TeamError("Un enlace ministerial necesita su institución (ministerio).")
    if role == "spokesperson" and not values["area"]:
        raise TeamError("Un vocero de área necesita el área (Social, Servicios Públicos o Seguridad Integral).")
    if role in TABLE_ROLES and not values["working_table"]:
        raise TeamError("El relator, el secretario y el sistematizador necesitan su mesa de trabajo.")
    if values["email"] and not _EMAIL.match(values["email"]):
        raise TeamError("Correo: no es una dirección válida.")
    return values


def _seat(values: dict) -> str:
    """The seat as `team_models.seat_sql` computes it (to name who holds it in a message)."""
    of = {"liaison": values["institution"], "spokesperson": values["area"]}.get(values["role"])
    if values["role"] in TABLE_ROLES:
        of = values["working_table"]
    return f"{values['role']}:{(of or '').strip().lower()}"


def save_member(conn: Connection, actor: Actor, municipality_code, *, code=None, role, name, institution=None, area=None,
                working_table=None, phone=None, email=None) -> str:
    """Add a member to a municipality's team (`code` None) or change one; returns its code."""
    actor.require(Action.MANAGE_TEAM)
    mun = _municipality(conn, municipality_code, actor.scope)
    values = _values(role, name, institution, area, working_table, phone, email)
    if code is not None:
        current = conn.execute(
            select(TeamMember.id).where(TeamMember.code == code, TeamMember.municipality_id == mun.id).with_for_update()
        ).one_or_none()
        if current is None:
            raise TeamError(f"Integrante desconocido: «{str(code)[:40]}».")
    seat = _seat(values)
    holder = conn.execute(
        select(TeamMember.code, TeamMember.name)
        .where(TeamMember.municipality_id == mun.id, TeamMember.seat == seat, TeamMember.code != (code or ""))
    ).one_or_none()
    if holder is not None:
        raise TeamError(f"Ese puesto ya lo ocupa {holder.name} ({holder.code}); cámbielo o retírelo antes.")
    if code is None:
        code = f"EQ-{mun.code}-{secrets.token_hex(3).upper()}"
        conn.execute(insert(TeamMember).values(code=code, municipality_id=mun.id, **values))
        action = "team_member_add"
    else:
        conn.execute(update(TeamMember).where(TeamMember.code == code).values(**values, updated_at=func.now()))
        action = "team_member_save"
    conn.execute(insert(AuditLog).values(username=actor.username, action=action, target=f"team:{code}",
                                         detail={"municipality": mun.code, **values}))
    return code


def delete_member(conn: Connection, actor: Actor, municipality_code, code) -> None:
    """Take a member off a municipality's team (audited)."""
    actor.require(Action.MANAGE_TEAM)
    mun = _municipality(conn, municipality_code, actor.scope)
    gone = conn.execute(
        delete(TeamMember).where(TeamMember.code == code, TeamMember.municipality_id == mun.id).returning(TeamMember.name)
    ).scalar()
    if gone is None:
        raise TeamError(f"Integrante desconocido: «{str(code)[:40]}».")
    conn.execute(insert(AuditLog).values(username=actor.username, action="team_member_delete", target=f"team:{code}",
                                         detail={"municipality": mun.code, "name": gone}))
