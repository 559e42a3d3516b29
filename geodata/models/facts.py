"""The materialised indicators: indicator_fact and the facts by dimension (case_fact,
project_fact) per territory, day and round; the snapshot of now and the refresh stamp."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
)
from sqlalchemy.orm import Mapped, mapped_column

# The spec's names, re-exported with the schema (RESOLVE_DAY_BUCKETS: the median's buckets).
from geodata.measures import FACT_MEASURES, RESOLVE_DAY_BUCKETS, SUMS, dimension_measures  # noqa: F401
from geodata.models.base import Base, _created

# Additive measures kept per territory (state, municipality, parish), day and round: the
# sums of the measure spec (`geodata.measures.FACT_MEASURES`), each a column of these tables.
_COLUMN_TYPES = {"int": Integer, "bigint": BigInteger, "money": lambda: Numeric(20, 2)}


def _fact_measure(name: str) -> Column:
    # A million rows at national scale: 4-byte counts keep the table a third smaller.
    kind = _COLUMN_TYPES[SUMS[name].column]
    return Column(name, kind(), nullable=False, server_default="0")


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


# All-time sums per territory (every level), each over its subtree, filled by the same
# refresh: a view of the whole period, and the national council export, read one row per
# territory instead of a thousand days or the records themselves. Valid only for the day
# it was computed on (`indicator_refresh.as_of`: overdue moves at midnight).
indicator_total = Table(
    "indicator_total",
    Base.metadata,
    Column("territory_id", BigInteger, ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True),
    *(_fact_measure(m) for m in FACT_MEASURES),
)

# The same facts split by the room's record filters, so a filter recolours the
# choropleth and moves the KPIs, the table and the charts (read instead of
# indicator_fact when a filter is on). Cases by category, status and whether open and
# past due (judged on the refresh day, as cases_overdue is): "open" and "overdue" are
# sums of cases_reported over those keys, so they need no columns of their own.
CASE_FACT_MEASURES: tuple[str, ...] = dimension_measures("case_fact", stored=True)
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
PROJECT_FACT_MEASURES: tuple[str, ...] = dimension_measures("project_fact", stored=True)
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
