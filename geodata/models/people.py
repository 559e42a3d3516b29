"""The people and the room's own records: users and their sessions, room visits, the audit
log, alert acknowledgements, the shift log, follow-ups and routing rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geodata.models.base import Base, one_of, _created, _demo, _id, _run_fk
from geodata.vocab import CASE_CATEGORIES, ROLES

class AppUser(Base):
    """A person who logs in; a director's scope is a territory subtree."""

    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role"),
        CheckConstraint("role <> 'director' OR scope_territory_id IS NOT NULL", name="director_scope"),
    )

    id: Mapped[int] = _id()
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), server_default="")
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    scope_territory_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"))
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    created_at: Mapped[dt.datetime] = _created()


class UserSession(Base):
    """A signed-in browser session: the cookie holds a random token, this row its hash.

    Every request looks its row up (one primary-key read), so a logout, a disabled
    account or a new password ends the session at once in every server process.
    """

    __tablename__ = "user_session"
    __table_args__ = (Index(None, "user_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = _created()
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str | None] = mapped_column(String(64))


class RoomVisit(Base):
    """When a signed-in user last opened the room, and when the visit before began:
    «Nuevo desde su última visita» counts what arrived since `previous_at`.

    A reopening within SALA_VISIT_GAP_MINUTES of `seen_at` continues the same visit
    (a wall screen that reloads keeps its base); a later one starts a new visit."""

    __tablename__ = "room_visit"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    visit_started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    previous_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AuditLog(Base):
    """Who did what, when: logins, exports, acknowledgements, loads.

    Failed logins are counted from here by the login throttle (user and client address
    in a window), so every server process sees the same count."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "at"), Index(None, "action", "target", "at"))

    id: Mapped[int] = _id()
    at: Mapped[dt.datetime] = _created()
    username: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")


class AlertAck(Base):
    """An operator's acknowledgement of an alert, with a note."""

    __tablename__ = "alert_ack"
    __table_args__ = (Index(None, "alert_key"),)

    id: Mapped[int] = _id()
    alert_key: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, server_default="")
    at: Mapped[dt.datetime] = _created()


class ShiftLogEntry(Base):
    """The room's shift hand-over log."""

    __tablename__ = "shift_log"
    __table_args__ = (Index(None, "at"),)

    id: Mapped[int] = _id()
    username: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text)
    territory_code: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[dt.datetime] = _created()



# What the room follows up (DESIGN § 4 Access: operators and directors follow up records).
FOLLOW_UP_KINDS: tuple[str, ...] = ("case", "agreement", "project")
FOLLOW_UP_ACTIONS: tuple[str, ...] = ("route", "assign", "due_date", "status", "comment", "link")


class FollowUp(Base):
    """The room's follow-up of one record, kept apart from the loaded row so that no load
    overwrites it: the institution it is routed to, who follows it, its due date and the
    status the room set. Keyed by the record's business key (kind, code), which loads
    never change. `version` grows with every change: a write names the version it read
    and is refused when another operator changed the record since (optimistic locking)."""

    __tablename__ = "follow_up"
    __table_args__ = (
        CheckConstraint(one_of("record_kind", FOLLOW_UP_KINDS), name="record_kind"),
        UniqueConstraint("record_kind", "record_code"),
    )

    id: Mapped[int] = _id()
    record_kind: Mapped[str] = mapped_column(String(16))
    record_code: Mapped[str] = mapped_column(String(40))
    institution: Mapped[str | None] = mapped_column(String(200))
    assignee: Mapped[str | None] = mapped_column(String(120))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(16))
    status_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    updated_by: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[dt.datetime] = _created()


class FollowUpEntry(Base):
    """One change the room made to a record (who, when, what, note): its follow-up history,
    shown beside the status changes loads observed. `label` is how the value read when it
    was saved (a team member's name and seat), so a later seat change rewrites no history."""

    __tablename__ = "follow_up_entry"
    __table_args__ = (
        CheckConstraint(one_of("record_kind", FOLLOW_UP_KINDS), name="record_kind"),
        CheckConstraint(one_of("action", FOLLOW_UP_ACTIONS), name="action"),
        Index(None, "record_kind", "record_code", "at"),
    )

    id: Mapped[int] = _id()
    record_kind: Mapped[str] = mapped_column(String(16))
    record_code: Mapped[str] = mapped_column(String(40))
    username: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(16))
    value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = _created()
    label: Mapped[str | None] = mapped_column(Text)


class RoutingRule(Base):
    """Which institution answers a case category in a territory (and below it): the
    suggestion the room's operator confirms or changes. Loaded as a file (`sala load
    routing`) by an administrator; the deepest rule above a case wins."""

    __tablename__ = "routing_rule"
    __table_args__ = (
        CheckConstraint(one_of("category", CASE_CATEGORIES), name="category"),
        Index(None, "category", "territory_id"),
    )

    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    category: Mapped[str] = mapped_column(String(16))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"))
    institution: Mapped[str] = mapped_column(String(200))
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()
    updated_at: Mapped[dt.datetime] = _created()
