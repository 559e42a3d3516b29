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


# --- reporting completeness: «silence is not the absence of problems» --------------------
#
# A communal council *reports* when something it sent reaches the room dated on a day:
# a 1x10 case reported in its territory (reported_date), a delivery of one of its CLAPs
# (delivery_date), or a project of its own moving (start_date, end_date, a stage change
# recorded in project_stage_change). Deposits are not counted: a communal bank sends them,
# not the council. A council is *silent* when its last report is more than
# SALA_SILENCE_DAYS (default 30) days before the day judged on, or it never reported. A CLAP is
# silent when it got no delivery in CLAP_GAP_DAYS (`clap_without_recent_delivery`).
# Records dated after the day judged on are not counted (a past view is judged at its end).

DEFAULT_SILENCE_DAYS = 30

# (territory_id, last_report) of every territory that ever reported, up to :as_of. The
# one definition: the indicator refresh embeds it (its :as_of bound), layers and alerts
# read it through `last_report()`.
LAST_REPORT_SQL = """
    SELECT territory_id, max(day) AS last_report FROM (
        SELECT c.territory_id, max(c.reported_date) AS day FROM case_report c
         WHERE c.reported_date <= :as_of GROUP BY 1
        UNION ALL
        SELECT k.territory_id, max(d.delivery_date) FROM clap_delivery d JOIN clap k ON k.id = d.clap_id
         WHERE d.delivery_date <= :as_of GROUP BY 1
        UNION ALL
        SELECT p.territory_id, max(greatest(CASE WHEN p.start_date <= :as_of THEN p.start_date END,
                                            CASE WHEN p.end_date <= :as_of THEN p.end_date END)) FROM project p GROUP BY 1
        UNION ALL
        SELECT p.territory_id, max(s.changed_on) FROM project_stage_change s JOIN project p ON p.id = s.project_id
         WHERE s.changed_on <= :as_of GROUP BY 1
    ) AS reports WHERE day IS NOT NULL GROUP BY territory_id
"""


# The same test in SQL text, on a last-report column `{col}` (binds :as_of, :silence_days).
COUNCIL_SILENT_SQL = "({col} IS NULL OR {col} < :as_of - :silence_days)"


def silence_days() -> int:
    """N of «no report in N days» (SALA_SILENCE_DAYS)."""
    from geodata.settings import get_settings

    return get_settings().silence_days


def last_report(as_of: dt.date):
    """A subquery (territory_id, last_report): the day each territory last reported."""
    from sqlalchemy import BigInteger, Date, column, text

    return (
        text(LAST_REPORT_SQL)
        .bindparams(as_of=as_of)
        .columns(column("territory_id", BigInteger), column("last_report", Date))
        .subquery("last_report")
    )


def council_silent(last_day, as_of, days: int | None = None):
    """Never reported, or not in the `days` (SALA_SILENCE_DAYS) before `as_of`."""
    days = silence_days() if days is None else days
    return last_day.is_(None) | (last_day < as_of - literal(days))


# --- the money trail, both ways ----------------------------------------------------------
#
# «Deposit with no progress» (geodata.alerts.project_not_moving): money arrived, the
# project is stalled or has not moved PROJECT_STILL_DAYS after its first deposit.
# «Progress with no deposit»: the project's stage has advanced past approval (in
# funded, in progress, completed, stalled after starting) or it reports progress, and no deposit was
# ever recorded for it: the works go on with no money on record, or the deposits are
# missing from the data. Either way the room must ask.
ADVANCED_STAGES = ("funded", "in_progress", "completed", "stalled")


def project_advanced_without_deposit(project, deposit_count):
    """The stage moved past approval (or progress is above zero) with no deposit
    (`deposit_count`: the project's number of deposits, 0 or NULL when none)."""
    from sqlalchemy import or_

    return and_(or_(project.stage.in_(ADVANCED_STAGES), project.progress > 0),
                func.coalesce(deposit_count, 0) == 0)
