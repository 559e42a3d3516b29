"""The records and the territory tree: load runs and their rejects, territories, projects
and their deposits, CLAPs and deliveries, cabinets, agreements, 1x10 cases and their
histories, and the links between cases, agreements and projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from geodata.models.base import Base, SRID, one_of, _created, _demo, _id, _run_fk
from geodata.vocab import (
    AGREEMENT_STATUSES,
    AREAS,
    CASE_CATEGORIES,
    CASE_STATUSES,
    CONSULTATION_ROUND_PATTERN,
    LEVELS,
    PROJECT_STAGES,
)

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
