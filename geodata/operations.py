"""What the room's operators act on: alerts (what is late), their acknowledgements, and
the shift hand-over log.

An alert is derived from the records, never stored: its key (`kind:code`) is what an
acknowledgement refers to, so an alert that is fixed simply stops being listed and one
that comes back after being acknowledged shows its last note.

Writes take the acting `Actor` and check it here: the role must allow the write, an
alert key is resolved to its record and refused outside the actor's scope, and a shift
note goes to the actor's own room. Nothing the browser sends chooses a territory.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from geodata import errors as sala_errors
from geodata.access import NATIONAL, Scope
from geodata.alerts import PROJECT_STILL_DAYS, alerts, latest_acks  # noqa: F401  (the alerts list lives in geodata.alerts)
from geodata.permissions import Action, Actor
from geodata.models import Agreement, AlertAck, AuditLog, Case, Clap, Project, ShiftLogEntry, Territory

MAX_NOTE = 2000


class OperationError(sala_errors.InvalidInput):
    """A note that cannot be saved (empty, too long); the message is shown as is."""


def _clean_note(note) -> str:
    note = note.strip() if isinstance(note, str) else ""
    if not note:
        raise OperationError("Escriba una nota antes de guardar.")
    if len(note) > MAX_NOTE:
        raise OperationError(f"La nota es demasiado larga ({len(note)} caracteres; máximo {MAX_NOTE}).")
    if "\x00" in note:
        raise OperationError("La nota contiene caracteres no válidos.")
    return note


# Where each alert's record lives: its table and the column holding its territory.
_ALERT_RECORDS = {
    "case_overdue": (Case, Case.territory_id),
    "agreement_overdue": (Agreement, Agreement.municipality_id),
    "clap_no_delivery": (Clap, Clap.territory_id),
    "project_not_moving": (Project, Project.territory_id),
    "project_no_deposit": (Project, Project.territory_id),
    "council_silent": (None, None),  # the record is the council itself
}
_RECORD_CODE_MAX = 40  # the record tables' code columns


def alert_territory_path(conn: Connection, alert_key) -> str | None:
    """The territory path of the record an alert key (`kind:code`) points at, or None
    for a key of no known kind or no such record."""
    if not isinstance(alert_key, str):
        return None
    kind, _, code = alert_key.partition(":")
    if kind not in _ALERT_RECORDS or not code or len(code) > _RECORD_CODE_MAX or "\x00" in code:
        return None
    model, territory_column = _ALERT_RECORDS[kind]
    if model is None:
        return conn.execute(select(Territory.path).where(Territory.code == code, Territory.level == "council")).scalar()
    return conn.execute(
        select(Territory.path).join(model, territory_column == Territory.id).where(model.code == code)
    ).scalar()


def acknowledge(conn: Connection, actor: Actor, alert_key, note) -> int:
    """Record that `actor` saw an alert and what was done; returns the acknowledgement id.

    The key is resolved to its record and territory here: a key of no record and one of a
    record outside the actor's scope are refused with the same words, and nothing is written."""
    actor.require(Action.ACKNOWLEDGE)
    path = alert_territory_path(conn, alert_key)
    if path is None or not actor.scope.allows(path):
        shown = str(alert_key)[:60] if isinstance(alert_key, str) else ""
        raise OperationError(f"Alerta desconocida: «{shown}» (no existe o está fuera de su ámbito).")
    note = _clean_note(note)
    ack_id = conn.execute(
        insert(AlertAck).values(alert_key=alert_key, username=actor.username, note=note).returning(AlertAck.id)
    ).scalar_one()
    conn.execute(insert(AuditLog).values(username=actor.username, action="alert_ack", target=alert_key, detail={"note": note}))
    return ack_id


def room_code(scope: Scope) -> str | None:
    """The room a scope works in: its territory's code, or None for the national room."""
    return scope.territory_code


def add_shift_note(conn: Connection, actor: Actor, note) -> int:
    """Add a note to the shift log of the actor's own room (never another, whatever asked)."""
    actor.require(Action.SHIFT_LOG)
    note = _clean_note(note)
    return conn.execute(
        insert(ShiftLogEntry)
        .values(username=actor.username, note=note, territory_code=room_code(actor.scope))
        .returning(ShiftLogEntry.id)
    ).scalar_one()


def shift_notes(conn: Connection, scope: Scope = NATIONAL, limit: int = 30) -> list[dict]:
    """The latest hand-over notes of the scope's room (its territory; the national room for
    a national scope), newest first."""
    code = room_code(scope)
    condition = ShiftLogEntry.territory_code.is_(None) if code is None else ShiftLogEntry.territory_code == code
    rows = conn.execute(
        select(ShiftLogEntry.username, ShiftLogEntry.note, ShiftLogEntry.territory_code, ShiftLogEntry.at)
        .where(condition)
        .order_by(ShiftLogEntry.at.desc(), ShiftLogEntry.id.desc())
        .limit(limit)
    ).mappings()
    return [
        {"username": r["username"], "note": r["note"], "territory_code": r["territory_code"], "at": r["at"].isoformat(timespec="minutes")}
        for r in rows
    ]
