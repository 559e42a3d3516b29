"""The tables of the rest of the communal government system: peace quadrants, defence
plans, communal businesses, justices of the peace and their cases.

Kept apart from `geodata.models` (the room's core records) so each module stays small;
they register on the same `Base`, which `geodata.models` imports this module into.
Each has a business key (`code`), `is_demo` and the load run that last wrote it, like
every record table.
"""

from __future__ import annotations

import datetime as dt

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from geodata.models.base import SRID, Base, _created, _demo, _id, _run_fk, one_of
from geodata.vocab import BUSINESS_FORMS, BUSINESS_STATUSES, DEFENSE_PLAN_STATUSES, PEACE_CASE_STATUSES


class PeaceQuadrant(Base):
    """A cuadrante de paz: a patrol area that cuts across parishes. `territory_id` is the
    territory whose room follows it (given, or the deepest one holding its interior point);
    the territories it covers are found by intersecting its polygon."""

    __tablename__ = "peace_quadrant"
    __table_args__ = (Index(None, "territory_id"),)

    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"))
    responsible_body: Mapped[str | None] = mapped_column(String(200))
    last_report_date: Mapped[dt.date | None] = mapped_column(Date)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=SRID, spatial_index=True), nullable=False)
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()


class DefensePlan(Base):
    """A defence plan (plan de defensa integral) of a territory."""

    __tablename__ = "defense_plan"
    __table_args__ = (CheckConstraint(one_of("status", DEFENSE_PLAN_STATUSES), name="status"), Index(None, "territory_id"))

    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"))
    area: Mapped[str | None] = mapped_column(String(100))
    responsible: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    last_review_date: Mapped[dt.date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()


class CommunalBusiness(Base):
    """A communal business (empresa de propiedad social comunal or productive unit)."""

    __tablename__ = "communal_business"
    __table_args__ = (
        CheckConstraint(one_of("status", BUSINESS_STATUSES), name="status"),
        CheckConstraint(f"legal_form IS NULL OR {one_of('legal_form', BUSINESS_FORMS)}", name="legal_form"),
        CheckConstraint("workers IS NULL OR workers >= 0", name="workers"),
        Index(None, "territory_id"),
        Index(None, "sector"),
    )

    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"))
    sector: Mapped[str] = mapped_column(String(60))
    legal_form: Mapped[str | None] = mapped_column(String(20))
    workers: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    geom = mapped_column(Geometry("POINT", srid=SRID, spatial_index=True), nullable=True)
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()


class PeaceJudge(Base):
    """A justice of the peace (juez o jueza de paz comunal) of a parish or commune."""

    __tablename__ = "peace_judge"
    __table_args__ = (Index(None, "territory_id"),)

    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"))
    elected_date: Mapped[dt.date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()


class PeaceCase(Base):
    """A case a justice of the peace attends (conciliation between neighbours, families…)."""

    __tablename__ = "peace_case"
    __table_args__ = (
        CheckConstraint(one_of("status", PEACE_CASE_STATUSES), name="status"),
        CheckConstraint("resolved_date IS NULL OR resolved_date >= case_date", name="dates"),
        Index(None, "judge_id"),
        Index(None, "case_date"),
    )

    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("peace_judge.id", ondelete="CASCADE"))
    case_date: Mapped[dt.date] = mapped_column(Date)
    case_type: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(16))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_date: Mapped[dt.date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()
