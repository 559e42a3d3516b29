"""The audit log, read back: who changed what, filtered (`sala audit`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select

from geodata.models import AuditLog


def entries(conn: Connection, *, username: str | None = None, action: str | None = None, target: str | None = None,
            since: dt.date | None = None, limit: int = 100) -> list[dict]:
    """The newest audit rows first: by user, action (a prefix: `follow_up` matches every
    follow-up change), target (exact, e.g. `case:K123`) and day."""
    query = select(AuditLog.at, AuditLog.username, AuditLog.action, AuditLog.target, AuditLog.detail)
    if username:
        query = query.where(AuditLog.username == username)
    if action:
        query = query.where(AuditLog.action.startswith(action, autoescape=True))
    if target:
        query = query.where(AuditLog.target == target)
    if since:
        query = query.where(AuditLog.at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    rows = conn.execute(query.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(max(1, min(limit, 10_000))))
    return [dict(r) for r in rows.mappings()]
