"""The system's own tables: integrity issues found by `sala check`, export jobs, data
version stamps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geodata.models.base import Base, SRID, one_of, _created, _id
from geodata.vocab import LEVELS

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
