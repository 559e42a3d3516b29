"""The room's follow-up of a record (a case, an agreement, a project): routed to an
institution, assigned to a person, given a due date, its status changed with a note, and
comments. Every change is one `follow_up_entry` (who, when, what, note) and one audit row.

The follow-up lives beside the loaded record, keyed by its business key (kind, code), so
a later load never erases it; where the two disagree on the status, `effective_status`
decides by the rule documented in the README (the newer date wins; on the same day, the
room's). Writes take the acting `Actor`: the role must allow following up, the record is
resolved to its territory here and refused outside the actor's scope, and the write names
the follow-up version it read: if another operator changed the record since, it is
refused with a `FollowUpConflict` and nothing is written (optimistic locking).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from geodata import errors as sala_errors
from geodata.access import NATIONAL, Scope
from geodata.models import (
    Agreement,
    AgreementProject,
    AuditLog,
    Case,
    FollowUp,
    FollowUpEntry,
    Project,
    RoutingRule,
    Territory,
)
from geodata.permissions import Action, Actor
from geodata.team import label
from geodata.team_models import TeamMember
from geodata.vocab import AGREEMENT_STATUSES, CASE_STATUSES, PROJECT_STAGES

MAX_NOTE = 2000
MAX_INSTITUTION = 200
MAX_ASSIGNEE = 120
_CODE_MAX = 40


@dataclass(frozen=True)
class RecordKind:
    model: type
    territory_column: object
    status_column: object
    statuses: dict[str, str]
    label: str  # Spanish, for messages
    routed: bool = True  # routed to an institution (a project is not: it is the answer)
    team: bool = False  # assigned to a member of its municipality's follow-up team, by code
    links: bool = False  # linked by the room to the agreements it answers


KINDS: dict[str, RecordKind] = {
    "case": RecordKind(Case, Case.territory_id, Case.status, CASE_STATUSES, "Caso"),
    "agreement": RecordKind(Agreement, Agreement.municipality_id, Agreement.status, AGREEMENT_STATUSES, "Acuerdo", team=True),
    "project": RecordKind(Project, Project.territory_id, Project.stage, PROJECT_STAGES, "Proyecto", routed=False, team=True,
                          links=True),
}


class FollowUpError(sala_errors.InvalidInput):
    """A change that cannot be saved (unknown record, bad value); the message is shown as is."""


class FollowUpConflict(sala_errors.Conflict):
    """Another operator changed the record after this one read it: nothing was written."""

    def __init__(self, by: str | None, at: dt.datetime | None):
        who = by or "otro usuario"
        when = at.astimezone().strftime("%d/%m/%Y %H:%M") if at else ""
        super().__init__(
            f"Conflicto: {who} modificó este registro ({when}) después de que usted lo abriera. "
            "No se guardó su cambio; vuelva a abrir el registro para ver lo nuevo e inténtelo otra vez."
        )


def _record(conn: Connection, kind, code, scope: Scope):
    """(record id, territory id, territory path, loaded status) of a record in `scope`;
    an unknown record and one outside the scope are refused with the same words."""
    spec = KINDS.get(kind) if isinstance(kind, str) else None
    ok = spec is not None and isinstance(code, str) and 0 < len(code) <= _CODE_MAX and "\x00" not in code
    row = None
    if ok:
        row = conn.execute(
            select(spec.model.id, Territory.id.label("territory_id"), Territory.path, spec.status_column.label("status"))
            .join(Territory, Territory.id == spec.territory_column)
            .where(spec.model.code == code)
        ).one_or_none()
    if row is None or not scope.allows(row.path):
        shown = code[:_CODE_MAX] if isinstance(code, str) else ""
        raise FollowUpError(f"Registro desconocido: «{shown}» (no existe o está fuera de su ámbito).")
    return row


def suggest_institution(conn: Connection, category: str, territory_path: str) -> str | None:
    """The routing table's institution for a case category at a territory: the rule of the
    deepest territory at or above it (a municipality's rule before its state's)."""
    row = conn.execute(
        select(RoutingRule.institution)
        .join(Territory, Territory.id == RoutingRule.territory_id)
        .where(RoutingRule.category == category, func.strpos(territory_path, Territory.path) == 1)
        .order_by(Territory.depth.desc(), RoutingRule.updated_at.desc(), RoutingRule.id.desc())
        .limit(1)
    ).scalar()
    return row


def effective_status(loaded: tuple[str, dt.date] | None, room: tuple[str, dt.date] | None) -> str | None:
    """The status a record shows when the load and the room may disagree: the one of the
    newer date; on the same day the room's (an operator acted knowing that day's record)."""
    if room is None:
        return loaded[0] if loaded else None
    if loaded is None or room[1] >= loaded[1]:
        return room[0]
    return loaded[0]


_COLUMNS = (FollowUp.id, FollowUp.version, FollowUp.institution, FollowUp.assignee, FollowUp.due_date, FollowUp.status,
            FollowUp.status_at, FollowUp.updated_by, FollowUp.updated_at)


def state(conn: Connection, kind: str, code: str, scope: Scope = NATIONAL) -> dict:
    """A record's follow-up as plain data: `version` (0: never followed up), `institution`,
    `assignee`, `due_date`, `status` and `status_at` the room set, `updated_by/at`, and its
    `entries` (oldest first). Raises FollowUpError for an unknown record or one outside `scope`."""
    _record(conn, kind, code, scope)
    row = conn.execute(
        select(*_COLUMNS).where(FollowUp.record_kind == kind, FollowUp.record_code == code)
    ).one_or_none()
    entries = conn.execute(
        select(FollowUpEntry.at, FollowUpEntry.username, FollowUpEntry.action, FollowUpEntry.value, FollowUpEntry.note,
               FollowUpEntry.label)
        .where(FollowUpEntry.record_kind == kind, FollowUpEntry.record_code == code)
        .order_by(FollowUpEntry.at, FollowUpEntry.id)
    ).mappings().all()
    base = {"version": 0, "institution": None, "assignee": None, "due_date": None, "status": None, "status_at": None,
            "updated_by": None, "updated_at": None}
    if row is not None:
        base = {k: getattr(row, k) for k in base}
    return {**base, "entries": [dict(e) for e in entries]}


def _text(value, limit: int, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise FollowUpError(f"{what}: valor no válido.")
    value = " ".join(value.split())
    if "\x00" in value:
        raise FollowUpError(f"{what}: contiene caracteres no válidos.")
    if len(value) > limit:
        raise FollowUpError(f"{what}: demasiado largo ({len(value)} caracteres; máximo {limit}).")
    return value or None


def _date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            raise FollowUpError("Fecha límite: no es una fecha válida (AAAA-MM-DD).") from None
    if not isinstance(value, dt.date) or not (dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31)):
        raise FollowUpError("Fecha límite: no es una fecha válida (AAAA-MM-DD).")
    return value


def _note(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or "\x00" in value:
        raise FollowUpError("La nota contiene caracteres no válidos.")
    value = value.strip()
    if len(value) > MAX_NOTE:
        raise FollowUpError(f"La nota es demasiado larga ({len(value)} caracteres; máximo {MAX_NOTE}).")
    return value or None


_UNSET = object()


def municipality_of(conn: Connection, path: str) -> int | None:
    """The id of the municipality at or above a territory path (an agreement's own, a project's above it)."""
    return conn.execute(
        select(Territory.id).where(Territory.level == "municipality", func.strpos(path, Territory.path) == 1)
    ).scalar()


def _team_member(conn: Connection, code: str, municipality_id: int | None) -> str:
    """An agreement or a project is assigned to a member of its municipality's follow-up
    team, by code; returns how the member reads now (name and seat), kept with the entry."""
    found = conn.execute(
        select(TeamMember.role, TeamMember.name, TeamMember.institution, TeamMember.area, TeamMember.working_table)
        .where(TeamMember.code == code, TeamMember.municipality_id == municipality_id)
    ).mappings().one_or_none()
    if found is None:
        raise FollowUpError(f"Responsable: «{code[:40]}» no integra el equipo de seguimiento de este municipio.")
    return label(dict(found))


def linked_agreements(conn: Connection, kind: str, code: str) -> list[str]:
    """The agreements the room linked a record to (oldest first)."""
    return list(conn.execute(
        select(FollowUpEntry.value)
        .where(FollowUpEntry.record_kind == kind, FollowUpEntry.record_code == code, FollowUpEntry.action == "link")
        .order_by(FollowUpEntry.at, FollowUpEntry.id)
    ).scalars())


def _link(conn: Connection, actor: Actor, record, code: str, agreement) -> str | None:
    """The agreement a project is linked to: one of its municipality's, in the actor's
    scope, not linked already (by a load or by the room)."""
    if agreement in (None, ""):
        return None
    if not isinstance(agreement, str) or len(agreement) > _CODE_MAX or "\x00" in agreement:
        raise FollowUpError("Acuerdo: valor no válido.")
    row = conn.execute(
        select(Agreement.id, Agreement.municipality_id, Territory.path)
        .join(Territory, Territory.id == Agreement.municipality_id)
        .where(Agreement.code == agreement)
    ).one_or_none()
    if row is None or not actor.scope.allows(row.path) or row.municipality_id != municipality_of(conn, record.path):
        raise FollowUpError(f"Acuerdo «{agreement}»: no existe en el municipio de este proyecto o está fuera de su ámbito.")
    loaded = conn.execute(
        select(AgreementProject.agreement_id)
        .where(AgreementProject.agreement_id == row.id, AgreementProject.project_id == record.id)
    ).first()
    if loaded is not None or agreement in linked_agreements(conn, "project", code):
        raise FollowUpError(f"El proyecto ya está vinculado al acuerdo «{agreement}».")
    return agreement


def save(
    conn: Connection,
    actor: Actor,
    kind,
    code,
    expected_version,
    *,
    institution=_UNSET,
    assignee=_UNSET,
    due_date=_UNSET,
    status=_UNSET,
    link=None,
    note=None,
) -> int:
    """Apply the operator's follow-up form to a record; returns the new version.

    Each field given and different from the stored one becomes an entry (route, assign,
    due_date, status); `link` (a project's) names an agreement it answers; the note goes
    with the status change, or alone as a comment.
    `expected_version` is the version the operator read (0 for a record never followed
    up): another operator's change since raises FollowUpConflict and nothing is written."""
    actor.require(Action.FOLLOW_UP)
    spec = KINDS.get(kind) if isinstance(kind, str) else None
    record = _record(conn, kind, code, actor.scope)
    if isinstance(expected_version, bool) or not isinstance(expected_version, int) or expected_version < 0:
        raise FollowUpError("Versión del registro no válida; vuelva a abrirlo.")
    wanted: dict[str, object] = {}
    member_label = None
    if institution is not _UNSET:
        wanted["institution"] = _text(institution, MAX_INSTITUTION, "Institución")
        if wanted["institution"] and not spec.routed:
            raise FollowUpError(f"{spec.label}: no se enruta a una institución.")
    if assignee is not _UNSET:
        wanted["assignee"] = _text(assignee, MAX_ASSIGNEE, "Responsable")
        if spec.team and wanted["assignee"]:
            member_label = _team_member(conn, wanted["assignee"], municipality_of(conn, record.path))
    if due_date is not _UNSET:
        wanted["due_date"] = _date(due_date)
    if status is not _UNSET and status not in (None, ""):
        if status not in spec.statuses:
            raise FollowUpError(f"Estado desconocido: «{str(status)[:20]}».")
        wanted["status"] = status
    if link not in (None, "") and not spec.links:
        raise FollowUpError(f"{spec.label}: no se vincula a un acuerdo desde su ficha.")
    note = _note(note)

    current = conn.execute(
        select(*_COLUMNS).where(FollowUp.record_kind == kind, FollowUp.record_code == code).with_for_update()
    ).one_or_none()
    stored_version = current.version if current is not None else 0
    if stored_version != expected_version:
        raise FollowUpConflict(current.updated_by if current else None, current.updated_at if current else None)
    stored = {k: getattr(current, k) if current is not None else None for k in ("institution", "assignee", "due_date", "status")}
    changed = {k: v for k, v in wanted.items() if v != stored[k]}
    linked = _link(conn, actor, record, code, link) if spec.links else None
    if not changed and not note and not linked:
        raise FollowUpError("No hay cambios que guardar.")

    values = dict(changed, updated_by=actor.username, updated_at=func.now())
    if "status" in changed:
        values["status_at"] = func.now()
    if current is None:
        new_id = conn.execute(
            pg_insert(FollowUp)
            .values(record_kind=kind, record_code=code, version=1, **values)
            .on_conflict_do_nothing()
            .returning(FollowUp.id)
        ).scalar()
        if new_id is None:  # another operator's first change won the race
            raise FollowUpConflict(None, None)
        version = 1
    else:
        version = conn.execute(
            update(FollowUp)
            .where(FollowUp.id == current.id, FollowUp.version == expected_version)
            .values(version=FollowUp.version + 1, **values)
            .returning(FollowUp.version)
        ).scalar_one()

    actions = {"institution": "route", "assignee": "assign", "due_date": "due_date", "status": "status"}
    entries = []
    for field, action in actions.items():
        if field in changed:
            value = changed[field]
            text_value = value.isoformat() if isinstance(value, dt.date) else value
            entries.append({"action": action, "value": text_value, "note": note if field == "status" else None,
                            "label": member_label if field == "assignee" else None})
    if linked:
        entries.append({"action": "link", "value": linked, "note": None, "label": None})
    if note and "status" not in changed:
        entries.append({"action": "comment", "value": None, "note": note, "label": None})
    target = f"{kind}:{code}"
    for entry in entries:
        conn.execute(insert(FollowUpEntry).values(record_kind=kind, record_code=code, username=actor.username, **entry))
        conn.execute(
            insert(AuditLog).values(
                username=actor.username, action=f"follow_up_{entry['action']}", target=target,
                detail={"value": entry["value"], "note": entry["note"], "version": version},
            )
        )
    return version


def status_sides(loaded: tuple[str, dt.date], follow: dict) -> dict:
    """Both statuses of a record and which one it shows: `loaded` (status, date) as the
    last load observed it, `room` (status, date) as the room set it (None if never),
    `effective` by `effective_status`, and `disagree` when both exist and differ."""
    room = None
    if follow.get("status") and follow.get("status_at"):
        room = (follow["status"], follow["status_at"].astimezone().date())
    effective = effective_status(loaded, room)
    return {
        "loaded": loaded,
        "room": room,
        "effective": effective,
        "disagree": room is not None and room[0] != loaded[0],
        "winner": None if room is None else ("room" if effective == room[0] and room[1] >= loaded[1] else "loaded"),
    }
