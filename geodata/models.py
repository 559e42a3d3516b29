"""The schema: SQLAlchemy 2 typed models with GeoAlchemy2 geometries (EPSG:4326).

Constraints live here so that bad values are refused by the database itself, whatever
path wrote them. Every record table has a business key (`code`) that loads merge on,
an `is_demo` mark and the id of the load run that last wrote it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from geodata.vocab import (
    AGREEMENT_STATUSES,
    AREAS,
    CASE_CATEGORIES,
    CASE_STATUSES,
    CONSULTATION_ROUND_PATTERN,
    LEVELS,
    PROJECT_STAGES,
    ROLES,
)

SRID = 4326

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, values) -> str:
    """A CHECK expression allowing only the canonical vocabulary values."""
    listed = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({listed})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _id() -> Mapped[int]:
    return mapped_column(BigInteger, primary_key=True, autoincrement=True)


def _created() -> Mapped[dt.datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


def _run_fk() -> Mapped[int | None]:
    return mapped_column(ForeignKey("etl_run.id", ondelete="SET NULL"), nullable=True)


def _demo() -> Mapped[bool]:
    return mapped_column(Boolean, server_default="false", nullable=False)


class EtlRun(Base):
    """One execution of `sala load` on one file: what it did and with what result.

    `pid`, `host` and `backend_pid` (its database session) tell whether a `running` run
    still runs: `geodata.etl_runs` marks one whose process or session is gone `abandoned`.
    """

    __tablename__ = "etl_run"
    __table_args__ = (
        CheckConstraint(
            one_of("status", ("running", "loaded", "failed", "dry_run", "interrupted", "abandoned")), name="status"
        ),
        CheckConstraint("inserted >= 0 AND updated >= 0 AND unchanged >= 0 AND rejected >= 0", name="counts"),
    )

    id: Mapped[int] = _id()
    kind: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), server_default="running")
    started_at: Mapped[dt.datetime] = _created()
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    inserted: Mapped[int] = mapped_column(Integer, server_default="0")
    updated: Mapped[int] = mapped_column(Integer, server_default="0")
    unchanged: Mapped[int] = mapped_column(Integer, server_default="0")
    rejected: Mapped[int] = mapped_column(Integer, server_default="0")
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    message: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = _demo()
    pid: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str | None] = mapped_column(String(255))
    backend_pid: Mapped[int | None] = mapped_column(Integer)


class EtlReject(Base):
    """A row a load refused, kept whole with the reason."""

    __tablename__ = "etl_reject"
    __table_args__ = (Index(None, "run_id", "row_number"),)

    id: Mapped[int] = _id()
    run_id: Mapped[int] = mapped_column(ForeignKey("etl_run.id", ondelete="CASCADE"))
    row_number: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")


class Territory(Base):
    """One node of the territory tree, whatever its level (DHIS2's organisation unit).

    `path` is the chain of codes from the state down to this node, `/01/0101/010101/`,
    so a subtree is a prefix match and ancestors are the path's parts.
    """

    __tablename__ = "territory"
    __table_args__ = (
        CheckConstraint(one_of("level", LEVELS), name="level"),
        CheckConstraint("population IS NULL OR population >= 0", name="population"),
        CheckConstraint("households IS NULL OR households >= 0", name="households"),
        CheckConstraint("area_km2 IS NULL OR area_km2 >= 0", name="area"),
        CheckConstraint("(level = 'state') = (parent_id IS NULL)", name="parent_by_level"),
        CheckConstraint("code <> ''", name="code_not_empty"),
        Index("ix_territory_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
        Index(None, "level", "parent_id"),
        Index(None, "parent_id"),
        # `resolve` falls back to the ISO 3166-2 code, compared case-insensitively.
        Index("ix_territory_upper_iso_code", text("upper(iso_code)")),
    )

    id: Mapped[int] = _id()
    level: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"))
    path: Mapped[str] = mapped_column(Text, server_default="")
    depth: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    circuit_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id", ondelete="SET NULL"))
    iso_code: Mapped[str | None] = mapped_column(String(8))
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=SRID, spatial_index=True), nullable=True)
    geom_display = mapped_column(Geometry("MULTIPOLYGON", srid=SRID, spatial_index=False), nullable=True)
    label_point = mapped_column(Geometry("POINT", srid=SRID, spatial_index=False), nullable=True)
    area_km2: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(Integer)
    households: Mapped[int | None] = mapped_column(Integer)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    updated_at: Mapped[dt.datetime] = _created()

    parent: Mapped[Territory | None] = relationship(remote_side=[id], foreign_keys=[parent_id])


class Project(Base):
    """An ACA project chosen in a popular consultation round."""

    __tablename__ = "project"
    __table_args__ = (
        CheckConstraint(f"consultation_round ~ '{CONSULTATION_ROUND_PATTERN}'", name="round"),
        CheckConstraint(one_of("area", AREAS), name="area"),
        CheckConstraint(one_of("stage", PROJECT_STAGES), name="stage"),
        CheckConstraint("budget IS NULL OR budget >= 0", name="budget"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates"),
        Index(None, "territory_id"),
        Index(None, "consultation_round"),
        Index(None, "stage"),
    )

    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(Text)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"))
    consultation_round: Mapped[str] = mapped_column(String(10))
    area: Mapped[str] = mapped_column(String(24))
    sector: Mapped[str] = mapped_column(String(40))
    budget: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3), server_default="VES")
    stage: Mapped[str] = mapped_column(String(16), server_default="proposed")
    progress: Mapped[Decimal] = mapped_column(Numeric(5, 2), server_default="0")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("POINT", srid=SRID, spatial_index=True), nullable=True)
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()
    updated_at: Mapped[dt.datetime] = _created()


class Deposit(Base):
    """Money deposited to a communal bank for a project."""

    __tablename__ = "deposit"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount"),
        Index(None, "project_id"),
        Index(None, "deposit_date"),
    )

    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3), server_default="VES")
    deposit_date: Mapped[dt.date] = mapped_column(Date)
    bank: Mapped[str | None] = mapped_column(String(200))
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()


class Clap(Base):
    """A CLAP food committee."""

    __tablename__ = "clap"
    __table_args__ = (CheckConstraint("households >= 0", name="households"), Index(None, "territory_id"))

    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    households: Mapped[int] = mapped_column(Integer)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"))
    geom = mapped_column(Geometry("POINT", srid=SRID, spatial_index=True), nullable=True)
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()


class ClapDelivery(Base):
    """One delivery of a CLAP on one day (key: clap and date)."""

    __tablename__ = "clap_delivery"
    __table_args__ = (
        UniqueConstraint("clap_id", "delivery_date"),
        CheckConstraint("households_served >= 0", name="households_served"),
        CheckConstraint("quantity IS NULL OR quantity >= 0", name="quantity"),
        Index(None, "delivery_date"),
    )

    id: Mapped[int] = _id()
    clap_id: Mapped[int] = mapped_column(ForeignKey("clap.id", ondelete="CASCADE"))
    delivery_date: Mapped[dt.date] = mapped_column(Date)
    households_served: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()


class Cabinet(Base):
    """The Communal Government Cabinet installed in a municipality."""

    __tablename__ = "cabinet"

    id: Mapped[int] = _id()
    municipality_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"), unique=True)
    installed_date: Mapped[dt.date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()


class WorkingTable(Base):
    """A mesa de trabajo of a cabinet, in one of the three areas."""

    __tablename__ = "working_table"
    __table_args__ = (UniqueConstraint("cabinet_id", "name"), CheckConstraint(one_of("area", AREAS), name="area"))

    id: Mapped[int] = _id()
    cabinet_id: Mapped[int] = mapped_column(ForeignKey("cabinet.id", ondelete="CASCADE"))
    area: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200))


class Agreement(Base):
    """An action agreed by a cabinet, with a responsible institution and a deadline.

    Overdue is derived (due_date past and status not done), never stored.
    """

    __tablename__ = "agreement"
    __table_args__ = (
        CheckConstraint(one_of("area", AREAS), name="area"),
        CheckConstraint(one_of("status", AGREEMENT_STATUSES), name="status"),
        CheckConstraint("due_date IS NULL OR due_date >= cabinet_date", name="due_after_cabinet"),
        CheckConstraint("done_date IS NULL OR done_date >= cabinet_date", name="done_after_cabinet"),
        Index(None, "municipality_id"),
        Index(None, "due_date"),
    )

    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"))
    cabinet_id: Mapped[int | None] = mapped_column(ForeignKey("cabinet.id", ondelete="SET NULL"))
    working_table_id: Mapped[int | None] = mapped_column(ForeignKey("working_table.id", ondelete="SET NULL"))
    cabinet_date: Mapped[dt.date] = mapped_column(Date)
    area: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)
    institution: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), server_default="pending")
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    done_date: Mapped[dt.date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()
    updated_at: Mapped[dt.datetime] = _created()


class Case(Base):
    """A 1x10 del Buen Gobierno case: a problem reported by a community."""

    __tablename__ = "case_report"
    __table_args__ = (
        CheckConstraint(one_of("category", CASE_CATEGORIES), name="category"),
        CheckConstraint(one_of("area", AREAS), name="area"),
        CheckConstraint(one_of("status", CASE_STATUSES), name="status"),
        CheckConstraint("resolved_date IS NULL OR resolved_date >= reported_date", name="resolved_after_reported"),
        CheckConstraint("due_date IS NULL OR due_date >= reported_date", name="due_after_reported"),
        Index(None, "territory_id", "reported_date"),
        Index(None, "reported_date"),
        Index(None, "status"),
    )

    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    reported_date: Mapped[dt.date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(16))
    area: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), server_default="reported")
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"))
    institution: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    resolved_date: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("POINT", srid=SRID, spatial_index=True), nullable=True)
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()
    updated_at: Mapped[dt.datetime] = _created()


class CaseStatusChange(Base):
    """The status history of a case."""

    __tablename__ = "case_status_change"
    __table_args__ = (
        CheckConstraint(one_of("status", CASE_STATUSES), name="status"),
        UniqueConstraint("case_id", "changed_on", "status"),
    )

    id: Mapped[int] = _id()
    case_id: Mapped[int] = mapped_column(ForeignKey("case_report.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    changed_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class ProjectStageChange(Base):
    """A project's stage history: each change of `project.stage`, whatever wrote it (a load,
    the room), recorded by a trigger (migration 0018) on the day it was observed."""

    __tablename__ = "project_stage_change"
    __table_args__ = (
        CheckConstraint(one_of("stage", PROJECT_STAGES), name="stage"),
        UniqueConstraint("project_id", "changed_on", "stage"),
    )

    id: Mapped[int] = _id()
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    previous_stage: Mapped[str | None] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16))
    changed_on: Mapped[dt.date] = mapped_column(Date)


class CaseSolution(Base):
    """A link from a problem (case) to what answers it: a project or an agreement."""

    __tablename__ = "case_solution"
    __table_args__ = (
        CheckConstraint("num_nonnulls(project_id, agreement_id) = 1", name="one_solution"),
        Index("uq_case_solution_project", "case_id", "project_id", unique=True, postgresql_where="project_id IS NOT NULL"),
        Index(
            "uq_case_solution_agreement", "case_id", "agreement_id", unique=True, postgresql_where="agreement_id IS NOT NULL"
        ),
        # EXISTS (… WHERE case_id = c.id) in the live sums; the partial unique indexes cannot serve it.
        Index(None, "case_id"),
        Index(None, "project_id"),
        Index(None, "agreement_id"),
    )

    id: Mapped[int] = _id()
    case_id: Mapped[int] = mapped_column(ForeignKey("case_report.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))


class AgreementProject(Base):
    """A project an agreement commits to (e.g. to unblock or fund it)."""

    __tablename__ = "agreement_project"
    __table_args__ = (UniqueConstraint("agreement_id", "project_id"), Index(None, "project_id"))

    id: Mapped[int] = _id()
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))


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

# Lower edges (days) of the buckets that count cases by time to resolve: medians are
# estimated from these sums, so they can be materialised and added across territories.
RESOLVE_DAY_BUCKETS: tuple[int, ...] = (0, 1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 90, 120, 180, 270, 365)

# Additive measures kept per territory (state, municipality, parish), day and round.
FACT_MEASURES: tuple[str, ...] = (
    "cases_reported",
    "cases_open",
    "cases_overdue",
    "cases_with_solution",
    "cases_resolved",
    "resolve_days_sum",
    *(f"resolved_in_{i:02d}" for i in range(len(RESOLVE_DAY_BUCKETS))),
    "projects_total",
    "projects_funded",
    "projects_in_progress",
    "projects_stalled",
    "projects_completed",
    "budget_approved",
    "deposits_amount",
    "deliveries",
    "households_served",
    "agreements_total",
    "agreements_overdue",
    "agreements_done",
)


def _fact_measure(name: str) -> Column:
    # A million rows at national scale: 4-byte counts keep the table a third smaller.
    if name in ("budget_approved", "deposits_amount"):
        kind = Numeric(20, 2)
    elif name == "resolve_days_sum":
        kind = BigInteger
    else:
        kind = Integer
    return Column(name, kind, nullable=False, server_default="0")


# Materialised sums per upper-level territory (state, municipality, parish), day and
# consultation round, filled by `geodata.indicators.refresh` after each load, so the
# national, state and municipal views read a few hundred rows instead of re-aggregating
# every record. Rows that belong to no round (cases, deliveries, agreements) have round ''.
indicator_fact = Table(
    "indicator_fact",
    Base.metadata,
    Column("territory_id", BigInteger, ForeignKey("territory.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),
    Column("round", String(10), nullable=False),
    *(_fact_measure(m) for m in FACT_MEASURES),
    PrimaryKeyConstraint("territory_id", "day", "round"),
)


# The same facts split by the room's record filters, so a filter recolours the
# choropleth and moves the KPIs, the table and the charts (read instead of
# indicator_fact when a filter is on). Cases by category, status and whether open and
# past due (judged on the refresh day, as cases_overdue is): "open" and "overdue" are
# sums of cases_reported over those keys, so they need no columns of their own.
CASE_FACT_MEASURES: tuple[str, ...] = (
    "cases_reported",
    "cases_with_solution",
    "cases_resolved",
    "resolve_days_sum",
    *(f"resolved_in_{i:02d}" for i in range(len(RESOLVE_DAY_BUCKETS))),
)
case_fact = Table(
    "case_fact",
    Base.metadata,
    Column("territory_id", BigInteger, ForeignKey("territory.id", ondelete="CASCADE"), nullable=False),
    Column("category", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("overdue", Boolean, nullable=False),
    Column("day", Date, nullable=False),
    *(_fact_measure(m) for m in CASE_FACT_MEASURES),
    # Category first after the territory: the filter asked most (one category) is a seek.
    PrimaryKeyConstraint("territory_id", "category", "status", "overdue", "day"),
)
# Projects (at their start) and their deposits by the project's stage and round.
PROJECT_FACT_MEASURES: tuple[str, ...] = (
    "projects_total",
    "projects_funded",
    "projects_in_progress",
    "projects_stalled",
    "projects_completed",
    "budget_approved",
    "deposits_amount",
)
project_fact = Table(
    "project_fact",
    Base.metadata,
    Column("territory_id", BigInteger, ForeignKey("territory.id", ondelete="CASCADE"), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("day", Date, nullable=False),
    Column("round", String(10), nullable=False),
    *(_fact_measure(m) for m in PROJECT_FACT_MEASURES),
    PrimaryKeyConstraint("territory_id", "stage", "day", "round"),
)


class IndicatorSnapshot(Base):
    """What is a state of now rather than of a period, per territory (every level):
    people, CLAPs and how long since their last delivery. Additive, so a country or a
    director's scope is the sum of its states."""

    __tablename__ = "indicator_snapshot"

    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True)
    households: Mapped[int | None] = mapped_column(BigInteger)
    population: Mapped[int | None] = mapped_column(BigInteger)
    clap_count: Mapped[int] = mapped_column(Integer, server_default="0")
    clap_households: Mapped[int] = mapped_column(BigInteger, server_default="0")
    clap_delivered: Mapped[int] = mapped_column(Integer, server_default="0")
    clap_days_since_sum: Mapped[int] = mapped_column(BigInteger, server_default="0")
    claps_without_recent_delivery: Mapped[int] = mapped_column(Integer, server_default="0")
    # Reporting completeness (geodata.rules: LAST_REPORT_SQL, SALA_SILENCE_DAYS): the
    # communal councils of the subtree, how many of them are silent, and the newest report
    # of any of them (a council's own row: its last report; 1 or 0 silent).
    councils: Mapped[int] = mapped_column(Integer, server_default="0")
    councils_silent: Mapped[int] = mapped_column(Integer, server_default="0")
    council_last_report: Mapped[dt.date | None] = mapped_column(Date)


class IndicatorRefresh(Base):
    """When the indicators were last materialised, and as of which day (overdue depends on it)."""

    __tablename__ = "indicator_refresh"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    refreshed_at: Mapped[dt.datetime] = _created()
    as_of: Mapped[dt.date] = mapped_column(Date)
    seconds: Mapped[float] = mapped_column(Float, server_default="0")


INTEGRITY_KINDS: tuple[str, ...] = (
    "outside_parent",
    "overlap",
    "gap",
    "code_mismatch",
    "missing_geometry",
    "invalid_geometry",
)


class IntegrityIssue(Base):
    """A defect found by `sala check`, with the offending piece of geometry (a map layer).

    The rows a check covers (its level and subtree) are replaced by each run.
    """

    __tablename__ = "integrity_issue"
    __table_args__ = (
        CheckConstraint(one_of("kind", INTEGRITY_KINDS), name="kind"),
        CheckConstraint(one_of("level", LEVELS), name="level"),
        Index(None, "territory_code"),
        Index(None, "kind", "level"),
    )

    id: Mapped[int] = _id()
    checked_at: Mapped[dt.datetime] = _created()
    kind: Mapped[str] = mapped_column(String(24))
    level: Mapped[str] = mapped_column(String(16))
    territory_code: Mapped[str] = mapped_column(String(32))
    other_code: Mapped[str | None] = mapped_column(String(32))
    measure: Mapped[float | None] = mapped_column(Float)
    area_km2: Mapped[float | None] = mapped_column(Float)
    detail: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("GEOMETRY", srid=SRID, spatial_index=True), nullable=True)


EXPORT_JOB_STATES = ("queued", "running", "done", "failed")


class ExportJob(Base):
    """A long export (the planning pack, a large or slow file) run off the request threads.

    Kept in the database so every server process sees the same jobs: who asked (user and
    scope: only they see it), what (`request`), how far it is, its file in the data
    folder, and the server process that runs it (`worker`, host:pid:start), so a server
    that restarts can tell its unfinished jobs from another's.
    """

    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint(one_of("state", EXPORT_JOB_STATES), name="state"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
        Index(None, "state"),
        Index(None, "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    username: Mapped[str | None] = mapped_column(String(80))
    scope_role: Mapped[str] = mapped_column(String(16))
    scope_path: Mapped[str | None] = mapped_column(Text)
    request: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    state: Mapped[str] = mapped_column(String(10), server_default="queued")
    phase: Mapped[str] = mapped_column(Text, server_default="")
    percent: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    message: Mapped[str | None] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(String(200))
    media_type: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[int | None] = mapped_column(BigInteger)
    count: Mapped[int | None] = mapped_column(Integer)
    worker: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = _created()
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DataVersion(Base):
    """Version stamps that writes bump in their own transaction, so caches in every server
    process can key on them without counting rows. `territory` is bumped by a statement
    trigger on every INSERT, UPDATE, DELETE or TRUNCATE of the tree (migration 0008)."""

    __tablename__ = "data_version"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, server_default="0")
    changed_at: Mapped[dt.datetime] = _created()


# The communal system's tables register on the same Base (see that module's docstring).
from geodata import communal_models  # noqa: E402,F401
from geodata import consultation_models  # noqa: E402,F401
# The follow-up team's and the notifications' tables, likewise (geodata.team_models).
from geodata import team_models  # noqa: E402,F401
