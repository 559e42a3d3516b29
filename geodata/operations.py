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

import datetime as dt

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import aliased

from geodata import errors as sala_errors
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.permissions import Action, Actor
from geodata.models import Agreement, AlertAck, AuditLog, Case, Clap, ClapDelivery, Deposit, Project, ShiftLogEntry, Territory
from geodata.rules import agreement_overdue, case_due_date, case_overdue, clap_without_recent_delivery
from geodata.territory import resolve
from geodata.vocab import CASE_CATEGORIES, PROJECT_STAGES

PROJECT_STILL_DAYS = 30
MAX_NOTE = 2000


class OperationError(sala_errors.InvalidInput):
    """A note that cannot be saved (empty, too long); the message is shown as is."""


def _subtree(conn: Connection, t, code: str | None, scope: Scope) -> list:
    clauses = [scope.condition(t.path)]
    if code:
        node = resolve(conn, code)
        if node is None or not (scope.allows(node.path) or scope.ancestor_visible(node.path)):
            raise ScopeError(code)
        clauses.append(t.path.startswith(node.path, autoescape=True))
    return clauses


def alerts(
    conn: Connection,
    code: str | None,
    scope: Scope = NATIONAL,
    today: dt.date | None = None,
    limit: int = 50,
) -> dict:
    """What is late under `code`: `counts` per kind and the `items` (oldest first, at most
    `limit` per kind), each with its key, Spanish label, days late and last acknowledgement."""
    today = today or dt.date.today()
    t = aliased(Territory)
    where = _subtree(conn, t, code, scope)
    items: list[dict] = []
    counts: dict[str, int] = {}

    def collect(kind: str, query, label, since_col: str):
        counts[kind] = conn.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
        for r in conn.execute(query.limit(limit)).mappings():
            since = r[since_col]
            items.append(
                {
                    "key": f"{kind}:{r['code']}",
                    "kind": kind,
                    "code": r["code"],
                    "label": label(r),
                    "territory_name": r["territory_name"],
                    "since": since.isoformat() if since else None,
                    "days": (today - since).days if since else None,
                }
            )

    collect(
        "case_overdue",
        select(Case.code, Case.category, Case.due_date, Case.institution, t.name.label("territory_name"))
        .join(t, t.id == Case.territory_id)
        .where(case_overdue(today), *where)
        .order_by(case_due_date(), Case.code),
        lambda r: f"Caso {r['code']} ({CASE_CATEGORIES.get(r['category'], r['category'])})"
        + (f" · {r['institution']}" if r["institution"] else ""),
        "due_date",
    )
    collect(
        "agreement_overdue",
        select(Agreement.code, Agreement.text, Agreement.institution, Agreement.due_date, t.name.label("territory_name"))
        .join(t, t.id == Agreement.municipality_id)
        .where(agreement_overdue(today), *where)
        .order_by(Agreement.due_date, Agreement.code),
        lambda r: f"Acuerdo {r['code']}: {r['text'][:120]} · {r['institution']}",
        "due_date",
    )
    last = (
        select(ClapDelivery.clap_id, func.max(ClapDelivery.delivery_date).label("last_day"))
        .where(ClapDelivery.delivery_date <= today)
        .group_by(ClapDelivery.clap_id)
        .subquery()
    )
    collect(
        "clap_no_delivery",
        select(Clap.code, Clap.name, Clap.households, last.c.last_day, t.name.label("territory_name"))
        .join(t, t.id == Clap.territory_id)
        .outerjoin(last, last.c.clap_id == Clap.id)
        .where(clap_without_recent_delivery(last.c.last_day, today), *where)
        .order_by(last.c.last_day.asc().nulls_first(), Clap.code),
        lambda r: f"{r['name']} ({r['households']} familias): "
        + (f"última entrega {r['last_day'].isoformat()}" if r["last_day"] else "sin entregas registradas"),
        "last_day",
    )
    first_deposit = (
        select(Deposit.project_id, func.min(Deposit.deposit_date).label("first_day")).group_by(Deposit.project_id).subquery()
    )
    collect(
        "project_not_moving",
        select(
            Project.code, Project.name, Project.stage, Project.progress, first_deposit.c.first_day,
            t.name.label("territory_name"),
        )
        .join(t, t.id == Project.territory_id)
        .join(first_deposit, first_deposit.c.project_id == Project.id)
        .where(
            # Money arrived, and the project is stalled or has not moved since.
            (Project.stage == "stalled") | (Project.stage.in_(("funded", "in_progress")) & (Project.progress == 0)),
            first_deposit.c.first_day < today - dt.timedelta(days=PROJECT_STILL_DAYS),
            *where,
        )
        .order_by(first_deposit.c.first_day, Project.code),
        lambda r: f"{r['name']} ({PROJECT_STAGES.get(r['stage'], r['stage'])}, {float(r['progress']):.0f} % de avance)",
        "first_day",
    )

    acks = latest_acks(conn, [i["key"] for i in items])
    for item in items:
        item["ack"] = acks.get(item["key"])
    # Unacknowledged first, then the longest late.
    items.sort(key=lambda i: (i["ack"] is not None, -(i["days"] if i["days"] is not None else 10**6)))
    return {"counts": counts, "items": items}


def latest_acks(conn: Connection, keys: list[str]) -> dict[str, dict]:
    if not keys:
        return {}
    rows = conn.execute(
        select(AlertAck.alert_key, AlertAck.username, AlertAck.note, AlertAck.at)
        .where(AlertAck.alert_key.in_(keys))
        .order_by(AlertAck.alert_key, AlertAck.at.desc())
        .ext(distinct_on(AlertAck.alert_key))
    ).mappings()
    return {r["alert_key"]: {"username": r["username"], "note": r["note"], "at": r["at"].isoformat(timespec="minutes")} for r in rows}


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
