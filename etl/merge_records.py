"""The merges of `case` and `agreement` (their `merge_hook`s in etl.record_kinds), which
write more than their own table: a case's status history and its solutions (project,
agreement); an agreement's cabinet, working table, projects and cases.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from etl.merge import OK_ROWS, counts, merge_declared, upsert_sql
from etl.spec import KindSpec, Merge


def resolve_case(spec: KindSpec) -> tuple[str, str, list]:
    """A case's stored status, for the history its merge writes."""
    return "ex.status AS old_status", "\n            LEFT JOIN case_report ex ON ex.code = s.code", []


CASE_MERGE = Merge(
    "case_report",
    "(code)",
    {
        "code": "r.code", "reported_date": "r.reported_date", "category": "r.category", "area": "r.area",
        "status": "r.status", "territory_id": "r.territory_id", "institution": "r.institution",
        "due_date": "r.due_date", "resolved_date": "r.resolved_date", "description": "r.description", "geom": "r.geom",
    },
    frozenset({"reported_date", "category", "area", "status", "territory_id"}),
    updated_at=True,
)

# When an observed status change happened: a closing one on its resolved_date, any other today.
CHANGED_ON = (
    "CASE WHEN m.status IN ('resolved', 'closed') AND m.resolved_date IS NOT NULL THEN m.resolved_date "
    "ELSE GREATEST(current_date, m.reported_date) END"
)


def merge_case(conn: Connection, spec: KindSpec, present: set[str], params: dict) -> tuple[int, int]:
    # History holds what a load observed, not what the case row already says: a new case
    # is "reported" on its reported_date and in its current status since it arrived (both
    # read from case_report by geodata.records.case_history), so a first load writes no
    # history at all. A load that changes a stored case's status writes the change (dated
    # by its resolved_date, else today) and, the first time, the status it arrived in.
    tail = """,
        hist AS (
            INSERT INTO case_status_change (case_id, status, changed_on)
            SELECT m.id, r.old_status, LEAST(m.created_at::date, {changed})
            FROM m JOIN res r ON r.code = m.code AND r.reason IS NULL AND r.keep
            WHERE NOT m.ins AND r.old_status IS DISTINCT FROM m.status AND r.old_status <> 'reported'
              AND NOT EXISTS (SELECT 1 FROM case_status_change h WHERE h.case_id = m.id)
            UNION ALL
            SELECT m.id, m.status, {changed}
            FROM m JOIN res r ON r.code = m.code AND r.reason IS NULL AND r.keep
            WHERE NOT m.ins AND r.old_status IS DISTINCT FROM m.status
            ON CONFLICT DO NOTHING
        )""".replace("{changed}", CHANGED_ON)
    merged = merge_declared(
        conn, spec, CASE_MERGE, present, params,
        extra_returning=", t.code, t.status, t.reported_date, t.resolved_date, t.created_at", updated_tail=tail,
    )
    for column, table in (("project", "project_id"), ("agreement", "agreement_id")):
        conn.execute(
            text(
                f"""
                INSERT INTO case_solution (case_id, {table})
                SELECT c.id, r.{table} FROM {OK_ROWS.replace('res r', 'res r JOIN case_report c ON c.code = r.code')}
                  AND r.{table} IS NOT NULL
                ON CONFLICT DO NOTHING
                """
            )
        )
    return merged


def merge_agreement(conn: Connection, spec: KindSpec, present: set[str], params: dict) -> tuple[int, int]:
    conn.execute(
        text(
            f"""
            INSERT INTO cabinet (municipality_id, installed_date, is_demo, load_run_id)
            SELECT r.municipality_id, min(r.cabinet_date), :demo, :run FROM {OK_ROWS}
            GROUP BY r.municipality_id
            ON CONFLICT (municipality_id) DO UPDATE SET installed_date = EXCLUDED.installed_date
            WHERE cabinet.installed_date IS NULL OR cabinet.installed_date > EXCLUDED.installed_date
            """
        ),
        params,
    )
    conn.execute(
        text(
            f"""
            INSERT INTO working_table (cabinet_id, area, name)
            SELECT DISTINCT ON (cb.id, r.working_table) cb.id, r.area, r.working_table
            FROM {OK_ROWS.replace('res r', 'res r JOIN cabinet cb ON cb.municipality_id = r.municipality_id')}
              AND r.working_table IS NOT NULL
            ORDER BY cb.id, r.working_table, r.row_number
            ON CONFLICT (cabinet_id, name) DO NOTHING
            """
        )
    )
    conn.execute(
        text(
            """
            CREATE TEMP TABLE res_agreement ON COMMIT DROP AS
            SELECT r.*, cb.id AS cabinet_id, wt.id AS working_table_id
            FROM res r JOIN cabinet cb ON cb.municipality_id = r.municipality_id
            LEFT JOIN working_table wt ON wt.cabinet_id = cb.id AND wt.name = r.working_table
            WHERE r.reason IS NULL AND r.keep
            """
        )
    )
    cols = {
        "code": "r.code", "municipality_id": "r.municipality_id", "cabinet_id": "r.cabinet_id",
        "working_table_id": "r.working_table_id", "cabinet_date": "r.cabinet_date", "area": "r.area", "text": "r.text",
        "institution": "r.institution", "status": "COALESCE(r.status, 'pending')", "due_date": "r.due_date",
        "done_date": "r.done_date",
    }
    always = {"municipality_id", "cabinet_id", "cabinet_date", "area", "text", "institution", "status"}
    if "working_table" in present:
        always.add("working_table_id")
    written = [c for c in cols if c != "code" and (c in always or c in present)]
    sql = upsert_sql("agreement", "(code)", list(cols) + ["is_demo", "load_run_id"], list(cols.values()) + [":demo", ":run"],
                     written + ["is_demo"], "res_agreement r", stamp=True)
    merged = counts(conn, sql, params)
    # Its links, each code of the list that names a row (those that do not were refused).
    for table, columns, ids, codes, target in (
        ("agreement_project", "agreement_id, project_id", "a.id, x.id", "project_codes", "project"),
        ("case_solution", "case_id, agreement_id", "x.id, a.id", "case_codes", "case_report"),
    ):
        conn.execute(
            text(
                f"""
                INSERT INTO {table} ({columns})
                SELECT {ids} FROM res_agreement r JOIN agreement a ON a.code = r.code
                CROSS JOIN LATERAL unnest(string_to_array(r.{codes}, ';')) AS u(raw)
                JOIN {target} x ON x.code = btrim(u.raw)
                ON CONFLICT DO NOTHING
                """
            )
        )
    return merged
