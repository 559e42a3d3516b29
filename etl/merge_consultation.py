"""The resolve and merge hooks of `consultation-round` (see etl.consultation_kind), beyond its
declaration: the territory must be a commune or a circuit, votes need their project and
the project must be of that round, a round's rows must agree on its name and dates; then
the rounds are upserted from their rows and each row into `consultation_vote`."""

from __future__ import annotations

from sqlalchemy import Connection, text

from etl.merge import OK_ROWS, counts, upsert_sql
from etl.resolve import TERRITORY_ID
from etl.spec import KindSpec

# Extra columns and joins of `res`: the resolved territory's level, and per round in the
# file how many versions of (name, start, end) its rows give.
CONSULTATION_COLUMNS = (
    "tl.level AS territory_level, pj.consultation_round AS project_round, rv.n AS round_versions, rv.rows AS round_rows",
    f"""
            LEFT JOIN territory tl ON tl.id = {TERRITORY_ID}
            LEFT JOIN (
                SELECT code, count(DISTINCT (name, start_date, end_date)) AS n, (array_agg(row_number ORDER BY row_number))[1:10] AS rows
                FROM stg GROUP BY code
            ) rv ON rv.code = s.code""",
)
CONSULTATION_REASONS = [
    ("WHEN tl.level NOT IN ('commune', 'circuit') THEN 'el territorio «' || s.territory_code || '» no es una comuna ni un "
     "circuito comunal (es ' || tl.level || ')'", "territory_code"),
    ("WHEN s.votes IS NOT NULL AND s.project_code IS NULL THEN 'hay votos sin proyecto: indique «project_code»'", "votes"),
    ("WHEN pj.consultation_round <> s.code THEN 'el proyecto «' || s.project_code || '» es de la consulta ' || "
     "pj.consultation_round || ', no de la ' || s.code", "project_code"),
    ("WHEN rv.n > 1 THEN 'la consulta «' || s.code || '» tiene nombres o fechas distintos en el archivo (filas ' || "
     "array_to_string(rv.rows, ', ') || ')'", "code"),
]


def resolve_consultation(spec: KindSpec) -> tuple[str, str, list]:
    return CONSULTATION_COLUMNS[0], CONSULTATION_COLUMNS[1], CONSULTATION_REASONS


def merge_consultation(conn: Connection, spec: KindSpec, present: set[str], params: dict) -> tuple[int, int]:
    """(inserted, updated): the vote rows written, plus the rounds whose name or dates changed."""
    keep_name = "COALESCE(EXCLUDED.name, t.name)" if "name" not in present else "EXCLUDED.name"
    keep_end = "COALESCE(EXCLUDED.end_date, t.end_date)" if "end_date" not in present else "EXCLUDED.end_date"
    rounds = conn.execute(
        text(
            f"""
            WITH m AS (
                INSERT INTO consultation_round AS t (code, name, start_date, end_date, is_demo, load_run_id)
                SELECT r.code, max(r.name), min(r.start_date), max(r.end_date), :demo, :run FROM {OK_ROWS}
                GROUP BY r.code
                ON CONFLICT (code) DO UPDATE SET name = {keep_name}, start_date = EXCLUDED.start_date,
                    end_date = {keep_end}, is_demo = EXCLUDED.is_demo, load_run_id = EXCLUDED.load_run_id
                WHERE ROW(t.name, t.start_date, t.end_date, t.is_demo)
                      IS DISTINCT FROM ROW({keep_name}, EXCLUDED.start_date, {keep_end}, EXCLUDED.is_demo)
                RETURNING (t.xmax = 0) AS ins
            )
            SELECT count(*) FILTER (WHERE NOT ins) FROM m
            """
        ),
        params,
    ).scalar_one()
    cols = {"round_id": "cr.id", "territory_id": "r.territory_id", "project_id": "r.project_id",
            "votes": "r.votes", "voters": "r.voters"}
    written = [c for c in ("votes", "voters") if c in present] + ["is_demo"]
    source = OK_ROWS.replace("res r", "res r JOIN consultation_round cr ON cr.code = r.code")
    sql = upsert_sql("consultation_vote", "(round_id, territory_id, project_id)", list(cols) + ["is_demo", "load_run_id"],
                     list(cols.values()) + [":demo", ":run"], written, source)
    inserted, updated = counts(conn, sql, params)
    return inserted, updated + int(rounds or 0)
