"""The record rows the indicators sum, generated from the measure spec (`geodata.measures`).

One row per record event (a case reported, a case resolved, a project, a deposit, a
delivery, an agreement) with its territory, day, round and every sum of the spec: its
own expression for the sums of its source, 0 for the others. The fact refresh folds
them into indicator_fact; below a parish they are summed live. Also the period's SQL
condition and the parameters both paths bind.
"""

from __future__ import annotations

import datetime as dt

from geodata import facts
from geodata.facts import NO_FILTER, RecordFilter
from geodata.measures import FACT_MEASURES, SUMS, select_list
from geodata.period import Period

# Depth of the deepest level kept in indicator_fact (0 state, 1 municipality, 2 parish).
MATERIALISED_MAX_DEPTH = 2

# Territory conditions of the record rows, on a `{col}` of theirs.
ALL = "TRUE"
SUBTREE = "{col} IN (SELECT id FROM territory WHERE path LIKE :prefix)"


def record_rows(territory_filter: str, record_filter: RecordFilter = NO_FILTER,
                names: tuple[str, ...] | None = None) -> str:
    """SQL for one row per record event: territory_id, day, round and every measure (or
    those of `names`: only the sources that feed them are read, which a small live sum
    such as a commune's weekly series plans in a fraction of the time).

    `territory_filter` is a condition on a `territory_id` column, written by this module
    (never from input); its parameters are bound by the caller, as are the record
    filter's (`facts.params`): cases and projects (with their deposits) it leaves out
    are not summed, as in the facts by dimension.
    """
    f = territory_filter
    cases = facts.case_condition(record_filter)
    projects = facts.project_condition(record_filter)
    wanted = names or FACT_MEASURES
    sources = {SUMS[n].source for n in wanted}
    branches = {
        "case_reported": f"""
        SELECT c.territory_id, c.reported_date AS day, '' AS round, {select_list("case_reported", wanted)}
          FROM case_report c WHERE {f.format(col='c.territory_id')} AND {cases}""",
        "case_resolved": f"""
        SELECT c.territory_id, c.resolved_date AS day, '' AS round, {select_list("case_resolved", wanted)}
          FROM case_report c
         WHERE c.resolved_date IS NOT NULL AND c.status IN ('resolved', 'closed') AND {f.format(col='c.territory_id')}
           AND {cases}""",
        "project": f"""
        SELECT p.territory_id, coalesce(p.start_date, p.created_at::date) AS day, p.consultation_round AS round, {select_list("project", wanted)}
          FROM project p WHERE {f.format(col='p.territory_id')} AND {projects}""",
        "deposit": f"""
        SELECT p.territory_id, d.deposit_date AS day, p.consultation_round AS round, {select_list("deposit", wanted)}
          FROM deposit d JOIN project p ON p.id = d.project_id WHERE {f.format(col='p.territory_id')} AND {projects}""",
        "delivery": f"""
        SELECT k.territory_id, cd.delivery_date AS day, '' AS round, {select_list("delivery", wanted)}
          FROM clap_delivery cd JOIN clap k ON k.id = cd.clap_id WHERE {f.format(col='k.territory_id')}""",
        "agreement": f"""
        SELECT a.municipality_id AS territory_id, a.cabinet_date AS day, '' AS round, {select_list("agreement", wanted)}
          FROM agreement a WHERE {f.format(col='a.municipality_id')}""",
    }
    unknown = sources - set(branches)
    if unknown:
        raise KeyError(f"no record rows for the sources {sorted(unknown)}")
    return "\n        UNION ALL".join(sql for source, sql in branches.items() if source in sources)


def params(today: dt.date | None = None) -> dict:
    """The day the rules judge on (:today; the case SLA is the rules' own constant)."""
    return {"today": today or dt.date.today()}


def period_sql(period: Period, day_col: str, round_col: str) -> tuple[str, dict]:
    clauses, values = [], {}
    if period.date_from:
        clauses.append(f"{day_col} >= :date_from")
        values["date_from"] = period.date_from
    if period.date_to:
        clauses.append(f"{day_col} <= :date_to")
        values["date_to"] = period.date_to
    if period.consultation_round:
        # Cases, deliveries and agreements belong to no round: a round filters projects
        # and their deposits only.
        clauses.append(f"({round_col} = '' OR {round_col} = :round)")
        values["round"] = period.consultation_round
    return (" AND ".join(clauses) or "TRUE"), values


def like_prefix(path: str) -> str:
    # Codes are alphanumeric, but a LIKE pattern must never carry wildcards from data.
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
