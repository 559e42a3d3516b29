"""The follow-up team page (`/equipo?territory=<municipality>`): its members as rows, the
form's choices, and the saves behind it. `geodata.team` checks role (administrators),
scope and seats, and audits; nothing here decides whether a write may happen."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from dashboard import texts
from geodata import team
from geodata.access import ScopeError
from geodata.permissions import Action, Actor, PermissionDenied
from geodata.territory import resolve
from geodata.vocab import AREAS, TABLE_ROLES, TEAM_ROLES


def _of(member: dict) -> str:
    if member["role"] == "liaison":
        return member["institution"] or "—"
    if member["role"] == "spokesperson":
        return AREAS.get(member["area"], member["area"] or "—")
    if member["role"] in TABLE_ROLES:
        return member["working_table"] or "—"
    return member["institution"] or "—"


def team_page(engine: Engine, actor: Actor, code: str | None) -> dict:
    """`error` (unknown or outside the scope), or the municipality's `title`, `rows` (for the
    table), `members` (code → stored values, for the form), whether it holds demo data and
    whether the actor may edit."""
    if not code:
        return {"error": None, "code": None, "rows": [], "members": {}, "title": texts.NAV_TEAM, "demo": False,
                "may_edit": False}
    with engine.connect() as conn:
        try:
            members = team.members(conn, code, actor.scope)
        except ScopeError as exc:
            return {"error": str(exc), "code": None, "rows": [], "members": {}, "title": texts.NAV_TEAM, "demo": False,
                    "may_edit": False}
        node = resolve(conn, code)
    rows = [{"code": m["code"], "role": TEAM_ROLES.get(m["role"], m["role"]), "name": m["name"], "of": _of(m),
             "phone": m["phone"] or "", "email": m["email"] or ""} for m in members]
    return {
        "error": None,
        "code": code,
        "title": texts.TEAM_TITLE.format(name=node.name),
        "rows": rows,
        "members": {m["code"]: {k: m[k] for k in ("role", "name", "institution", "area", "working_table", "phone", "email")}
                    for m in members},
        "member_options": [{"label": texts.TEAM_NEW, "value": ""}]
        + [{"label": m["label"], "value": m["code"]} for m in members],
        "demo": any(m["is_demo"] for m in members),
        "may_edit": actor.may(Action.MANAGE_TEAM),
    }


def role_options() -> list[dict]:
    return [{"label": label, "value": value} for value, label in TEAM_ROLES.items()]


def area_options() -> list[dict]:
    return [{"label": label, "value": value} for value, label in AREAS.items()]


def save(engine: Engine, actor: Actor, municipality: str, member: str | None, values: dict) -> tuple[bool, str, str | None]:
    """(saved, the message to show, the member's code: the new one for a member added)."""
    try:
        with engine.begin() as conn:
            code = team.save_member(conn, actor, municipality, code=member or None, **values)
    except (team.TeamError, PermissionDenied, ScopeError) as exc:
        return False, str(exc), member
    except IntegrityError:  # another administrator filled the seat meanwhile (checked at commit)
        return False, texts.TEAM_SEAT_TAKEN, member
    return True, texts.TEAM_SAVED, code


def remove(engine: Engine, actor: Actor, municipality: str, member: str | None) -> tuple[bool, str]:
    try:
        with engine.begin() as conn:
            team.delete_member(conn, actor, municipality, member)
    except (team.TeamError, PermissionDenied, ScopeError) as exc:
        return False, str(exc)
    return True, texts.TEAM_DELETED
