"""The popular consultation as records: its rounds and, per round, the communes and
communal circuits that took part and the votes each project got there.

A project already names its round by code (`project.consultation_round`, «2024-1»); a
`consultation_round` row with that code is the same round, so the link is the code and
projects load with or without their round loaded first. Registered on the same `Base`,
like `geodata.communal_models`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from geodata.models.base import Base, _created, _demo, _id, _run_fk
from geodata.vocab import CONSULTATION_ROUND_PATTERN


class ConsultationRound(Base):
    """A round of the popular consultation (consulta popular nacional), by its code."""

    __tablename__ = "consultation_round"
    __table_args__ = (
        CheckConstraint(f"code ~ '{CONSULTATION_ROUND_PATTERN}'", name="code"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
    )

    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()


class ConsultationVote(Base):
    """A commune or communal circuit that took part in a round: one row with no project
    (its participation: how many voted there) and one per project it voted on, with the
    votes that project got. The file's rows are these rows."""

    __tablename__ = "consultation_vote"
    __table_args__ = (
        UniqueConstraint("round_id", "territory_id", "project_id", postgresql_nulls_not_distinct=True),
        CheckConstraint("votes IS NULL OR votes >= 0", name="votes"),
        CheckConstraint("voters IS NULL OR voters >= 0", name="voters"),
        Index(None, "territory_id"),
        Index(None, "project_id"),
    )

    id: Mapped[int] = _id()
    round_id: Mapped[int] = mapped_column(ForeignKey("consultation_round.id", ondelete="CASCADE"))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    votes: Mapped[int | None] = mapped_column(Integer)
    voters: Mapped[int | None] = mapped_column(Integer)
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()
