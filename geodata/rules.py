"""The room's rules of time, defined once: when a case or an agreement is overdue, when a
CLAP has gone too long without a delivery. Indicators, map layers, alerts and the Map of
Solutions all judge records with these."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, literal

from geodata.models import Agreement, Case
from geodata.vocab import OPEN_CASE_STATUSES

# A case with no due date is due this many days after it was reported (a default service
# level, as FixMyStreet and Open311 services give each category one).
CASE_SLA_DAYS = 30
# A CLAP whose last delivery is older than this is "without a recent delivery".
CLAP_GAP_DAYS = 30


def case_due_date(case=Case):
    """The date a case is due: its own due date, or its report date plus the default SLA."""
    return func.coalesce(case.due_date, case.reported_date + literal(CASE_SLA_DAYS))


def case_overdue(as_of, case=Case):
    """Open and past its due date on `as_of` (a date, or a SQL date expression)."""
    return and_(case.status.in_(OPEN_CASE_STATUSES), case_due_date(case) < as_of)


def agreement_overdue(as_of, agreement=Agreement):
    """Not done and past its due date on `as_of` (an agreement with no due date is never overdue)."""
    return and_(agreement.status != "done", agreement.due_date.isnot(None), agreement.due_date < as_of)


def clap_without_recent_delivery(last_delivery, as_of: dt.date):
    """No delivery ever, or the last one more than CLAP_GAP_DAYS before `as_of`."""
    return last_delivery.is_(None) | (last_delivery < as_of - dt.timedelta(days=CLAP_GAP_DAYS))


# The communal system's staleness: a peace quadrant with no patrol report for this many
# days, a defence plan not reviewed or exercised for this many, are flagged.
QUADRANT_STALE_DAYS = 21
DEFENSE_PLAN_REVIEW_DAYS = 365


def quadrant_stale(last_report, as_of):
    """No report ever, or the last one more than QUADRANT_STALE_DAYS before `as_of` (a date
    or a SQL date expression)."""
    return last_report.is_(None) | (last_report < as_of - literal(QUADRANT_STALE_DAYS))


def defense_plan_stale(last_review, as_of):
    """Never reviewed, or not for DEFENSE_PLAN_REVIEW_DAYS before `as_of`."""
    return last_review.is_(None) | (last_review < as_of - literal(DEFENSE_PLAN_REVIEW_DAYS))
