"""The tables of the cabinet's follow-up team and of the room's notifications.

Kept apart from `geodata.models` so each module stays small; they register on the same
`Base`, which `geodata.models` imports this module into.

- `team_member`: one seat of a municipality's follow-up team (equipo de seguimiento) or
  of one of its working tables, and who holds it. `seat` is derived from the role and
  what the role is of (the institution of a liaison, the area of a spokesperson, the
  working table of its rapporteur, secretary and systematizer), so a seat has one holder.
- `notify_subscription`: a room (its scope's territory; NULL for the national room)
  subscribed to alert kinds under a territory, sent to a webhook or an e-mail address.
- `notify_delivery`: one new alert for one subscription (sent once), with its state;
  `notify_attempt`: each try to deliver it (when, ok, error).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geodata.models.base import Base, _created, _demo, _id, _run_fk, one_of
from geodata.vocab import AREAS, DELIVERY_STATUSES, NOTIFY_CHANNELS, TABLE_ROLES, TEAM_ROLES


def seat_sql(prefix: str = "") -> str:
    """The SQL of a member's seat over columns `role, institution, area, working_table`
    (with `prefix`, e.g. `s.`): what the loader checks staged rows with, and the column's
    definition."""
    p = prefix
    tables = ", ".join(f"'{r}'" for r in TABLE_ROLES)
    return (
        f"{p}role || ':' || lower(btrim(COALESCE(CASE WHEN {p}role = 'liaison' THEN {p}institution "
        f"WHEN {p}role = 'spokesperson' THEN {p}area WHEN {p}role IN ({tables}) THEN {p}working_table END, '')))"
    )


class TeamMember(Base):
    """Who holds one seat of a municipality's follow-up team or of one of its working tables."""

    __tablename__ = "team_member"
    __table_args__ = (
        CheckConstraint(one_of("role", TEAM_ROLES), name="role"),
        CheckConstraint("area IS NULL OR " + one_of("area", AREAS), name="area"),
        CheckConstraint("role <> 'liaison' OR institution IS NOT NULL", name="liaison_institution"),
        CheckConstraint("role <> 'spokesperson' OR area IS NOT NULL", name="spokesperson_area"),
        CheckConstraint(
            "role NOT IN (" + ", ".join(f"'{r}'" for r in TABLE_ROLES) + ") OR working_table IS NOT NULL", name="table_role_table"
        ),
        # Checked at commit: a file may move members between seats in one load.
        UniqueConstraint("municipality_id", "seat", deferrable=True, initially="DEFERRED"),
    )

    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    institution: Mapped[str | None] = mapped_column(String(200))
    area: Mapped[str | None] = mapped_column(String(24))
    working_table: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    seat: Mapped[str] = mapped_column(Text, Computed(seat_sql(), persisted=True))
    is_demo: Mapped[bool] = _demo()
    load_run_id: Mapped[int | None] = _run_fk()
    created_at: Mapped[dt.datetime] = _created()
    updated_at: Mapped[dt.datetime] = _created()


class NotifySubscription(Base):
    """A room's subscription: alert kinds (empty: all) under a territory, to one sink."""

    __tablename__ = "notify_subscription"
    __table_args__ = (CheckConstraint(one_of("channel", NOTIFY_CHANNELS), name="channel"), Index(None, "room_territory_id"))

    id: Mapped[int] = _id()
    room_territory_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id", ondelete="CASCADE"))
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id", ondelete="CASCADE"))
    kinds: Mapped[list[str]] = mapped_column(ARRAY(String(32)), server_default="{}")
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    baselined: Mapped[bool] = mapped_column(Boolean, server_default="false")
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = _created()


class NotifyDelivery(Base):
    """One new alert for one subscription: pending until sent or failed for good."""

    __tablename__ = "notify_delivery"
    __table_args__ = (
        CheckConstraint(one_of("status", DELIVERY_STATUSES), name="status"),
        UniqueConstraint("subscription_id", "alert_key"),
        Index(None, "status"),
    )

    id: Mapped[int] = _id()
    subscription_id: Mapped[int] = mapped_column(ForeignKey("notify_subscription.id", ondelete="CASCADE"))
    alert_key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    status: Mapped[str] = mapped_column(String(16), server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = _created()
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class NotifyAttempt(Base):
    """One try to deliver a notification: when, whether it went, and the error if not."""

    __tablename__ = "notify_attempt"
    __table_args__ = (Index(None, "delivery_id"),)

    id: Mapped[int] = _id()
    delivery_id: Mapped[int] = mapped_column(ForeignKey("notify_delivery.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = _created()
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)
