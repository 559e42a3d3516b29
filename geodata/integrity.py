"""Territorial integrity: does the tree agree with its geometry and its codes?

Checked after each boundary load (and by `sala check`):

- `outside_parent`: part of a territory lies outside its parent (share of its area);
- `overlap`: two siblings overlap (share of the smaller one's area);
- `gap`: part of a parent is covered by none of its children, where full coverage is
  expected (municipalities tile their state, parishes their municipality; communes and
  councils need not cover their parent);
- `code_mismatch`: an INE code that does not start with its parent's code (`0101` under
  `01`), a state/municipality/parish code that is not 2/4/6 digits, or a municipality or
  parish hung under the wrong level; communes and councils only where their code and
  their parent's are numeric in the same pattern;
- `missing_geometry`: a territory with no boundary (circuits need none);
- `invalid_geometry`: a boundary that is not a valid polygon (left out of the spatial
  checks, whose overlay operations it would break).

Everything runs as set-based SQL in PostGIS on the GiST index; shares are ratios of
planar areas in degrees, which is exact enough for a ratio at this latitude. The result
is a report and a map layer (`integrity_issue`, replaced for what the run covered), not
an exception: a load is never refused for what this finds.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import asdict, dataclass, field

from sqlalchemy import Connection, text

from geodata import errors as sala_errors
from geodata.models import INTEGRITY_KINDS
from geodata.territory import resolve
from geodata.vocab import LEVELS

KIND_LABELS = {
    "outside_parent": "Fuera de su territorio superior",
    "overlap": "Superposición entre vecinos",
    "gap": "Vacío sin cubrir",
    "code_mismatch": "Código en desacuerdo con el superior",
    "missing_geometry": "Sin geometría",
    "invalid_geometry": "Geometría inválida",
}

# Shares above which a defect is reported: below them it is digitising noise.
OUTSIDE_TOLERANCE = 0.01  # of the child's area
OVERLAP_TOLERANCE = 0.01  # of the smaller sibling's area
GAP_TOLERANCE = 0.005  # of the parent's area

# Parent level → child level where the children must tile the parent.
COVERAGE_LEVELS = (("state", "municipality"), ("municipality", "parish"))

INE_DIGITS = {"state": 2, "municipality": 4, "parish": 6}


class IntegrityError(sala_errors.InvalidInput):
    """The check was asked for something that does not exist (a level, a territory)."""


@dataclass(frozen=True)
class Issue:
    kind: str
    level: str
    territory_code: str
    other_code: str | None
    measure: float | None
    area_km2: float | None
    detail: str | None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class IntegrityReport:
    checked_at: dt.datetime
    level: str | None
    territory_code: str | None
    territories_checked: int
    seconds: float
    issues: list[Issue] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(issue.kind for issue in self.issues)
        return {kind: found.get(kind, 0) for kind in INTEGRITY_KINDS}

    @property
    def clean(self) -> bool:
        return not self.issues

    def as_dict(self) -> dict:
        return {
            "checked_at": self.checked_at.isoformat(),
            "level": self.level,
            "territory": self.territory_code,
            "territories_checked": self.territories_checked,
            "seconds": round(self.seconds, 3),
            "total": len(self.issues),
            "counts": self.counts,
            "issues": [asdict(issue) for issue in self.issues],
        }


# A territory `t` is in the run's scope when its level matches (if one was given) and it
# lies in the subtree asked for (if one was given). Paths are compared by prefix with
# left() rather than LIKE, so a code holding `_` or `%` cannot widen the match.
def _in_scope(alias: str, level_column: str | None = None) -> str:
    level_column = level_column or f"{alias}.level"
    return (
        f"(CAST(:level AS text) IS NULL OR {level_column} = :level) "
        f"AND (CAST(:path AS text) IS NULL OR left({alias}.path, length(:path)) = :path)"
    )


_INVALID = """
    INSERT INTO _sala_invalid (id)
    SELECT id FROM territory t WHERE t.geom IS NOT NULL AND NOT ST_IsValid(t.geom)
"""

_VALID = "NOT EXISTS (SELECT 1 FROM _sala_invalid i WHERE i.id = {alias}.id)"

_COLUMNS = "checked_at, kind, level, territory_code, other_code, measure, area_km2, detail, geom"

_CHECKS: dict[str, str] = {
    "invalid_geometry": f"""
        INSERT INTO integrity_issue ({_COLUMNS})
        SELECT :now, 'invalid_geometry', t.level, t.code, NULL, NULL, NULL,
               ST_IsValidReason(t.geom), (ST_IsValidDetail(t.geom)).location
        FROM territory t JOIN _sala_invalid i ON i.id = t.id
        WHERE {_in_scope("t")}
    """,
    "missing_geometry": f"""
        INSERT INTO integrity_issue ({_COLUMNS})
        SELECT :now, 'missing_geometry', t.level, t.code, p.code, NULL, NULL, NULL, NULL
        FROM territory t LEFT JOIN territory p ON p.id = t.parent_id
        WHERE t.geom IS NULL AND t.level <> 'circuit' AND {_in_scope("t")}
    """,
    "outside_parent": f"""
        INSERT INTO integrity_issue ({_COLUMNS})
        WITH pairs AS (
            SELECT c.level, c.code, p.code AS parent_code, c.geom AS child,
                   ST_CollectionExtract(ST_Difference(c.geom, p.geom), 3) AS outside
            FROM territory c JOIN territory p ON p.id = c.parent_id
            WHERE c.geom IS NOT NULL AND p.geom IS NOT NULL
              AND {_VALID.format(alias="c")} AND {_VALID.format(alias="p")}
              AND {_in_scope("c")}
              AND NOT ST_Covers(p.geom, c.geom)
        )
        SELECT :now, 'outside_parent', level, code, parent_code,
               ST_Area(outside) / ST_Area(child), ST_Area(outside::geography) / 1e6, NULL, outside
        FROM pairs
        WHERE ST_Area(child) > 0 AND ST_Area(outside) > :outside_tolerance * ST_Area(child)
    """,
    # Comparing every pair of neighbours (DE-9IM) is what costs; a group of siblings can
    # hold an overlap only if its areas add up to more than their union, so pairs are
    # examined only in such groups (a safe filter: a pair over the tolerance makes the
    # excess exceed the tolerance times the smallest sibling).
    "overlap": f"""
        INSERT INTO integrity_issue ({_COLUMNS})
        WITH scoped AS (
            SELECT DISTINCT coalesce(c.parent_id, 0) AS parent_key, c.level
            FROM territory c WHERE c.geom IS NOT NULL AND {_in_scope("c")}
        ), suspect AS (
            SELECT s.parent_key, s.level
            FROM scoped s
            JOIN territory c ON coalesce(c.parent_id, 0) = s.parent_key AND c.level = s.level
            WHERE c.geom IS NOT NULL AND {_VALID.format(alias="c")}
            GROUP BY s.parent_key, s.level
            HAVING count(*) > 1
               AND sum(ST_Area(c.geom)) - ST_Area(ST_Union(c.geom)) > :overlap_tolerance * min(ST_Area(c.geom))
        ), pairs AS (
            SELECT a.level, a.code, b.code AS other_code,
                   least(ST_Area(a.geom), ST_Area(b.geom)) AS smaller,
                   ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) AS shared
            FROM suspect s
            JOIN territory a ON coalesce(a.parent_id, 0) = s.parent_key AND a.level = s.level
            JOIN territory b
              ON coalesce(b.parent_id, 0) = s.parent_key AND b.level = s.level AND a.id < b.id
             AND a.geom && b.geom
            WHERE a.geom IS NOT NULL AND b.geom IS NOT NULL
              AND {_VALID.format(alias="a")} AND {_VALID.format(alias="b")}
              AND (({_in_scope("a")}) OR ({_in_scope("b")}))
              AND ST_Relate(a.geom, b.geom, '2********')
        )
        SELECT :now, 'overlap', level, code, other_code,
               ST_Area(shared) / smaller, ST_Area(shared::geography) / 1e6, NULL, shared
        FROM pairs
        WHERE smaller > 0 AND ST_Area(shared) > :overlap_tolerance * smaller
    """,
    "gap": f"""
        INSERT INTO integrity_issue ({_COLUMNS})
        WITH covered AS (
            SELECT c.parent_id, c.level, ST_Union(c.geom) AS geom
            FROM territory c JOIN territory p ON p.id = c.parent_id
            WHERE (p.level, c.level) IN (('state', 'municipality'), ('municipality', 'parish'))
              AND c.geom IS NOT NULL AND {_VALID.format(alias="c")}
            GROUP BY c.parent_id, c.level
        ), gaps AS (
            SELECT k.level, p.code, p.geom AS parent,
                   ST_CollectionExtract(ST_Difference(p.geom, k.geom), 3) AS gap
            FROM covered k JOIN territory p ON p.id = k.parent_id
            WHERE p.geom IS NOT NULL AND {_VALID.format(alias="p")}
              AND {_in_scope("p", level_column="k.level")}
        )
        SELECT :now, 'gap', level, code, NULL,
               ST_Area(gap) / ST_Area(parent), ST_Area(gap::geography) / 1e6, NULL, gap
        FROM gaps
        WHERE ST_Area(parent) > 0 AND ST_Area(gap) > :gap_tolerance * ST_Area(parent)
    """,
    "code_mismatch": f"""
        INSERT INTO integrity_issue ({_COLUMNS})
        WITH judged AS (
            SELECT c.level, c.code, p.code AS parent_code, c.geom,
                   CASE
                     WHEN c.level = 'state' AND c.code !~ '^[0-9]{{2}}$'
                       THEN 'el código INE de un estado tiene 2 dígitos'
                     WHEN c.level = 'municipality' AND c.code !~ '^[0-9]{{4}}$'
                       THEN 'el código INE de un municipio tiene 4 dígitos'
                     WHEN c.level = 'parish' AND c.code !~ '^[0-9]{{6}}$'
                       THEN 'el código INE de una parroquia tiene 6 dígitos'
                     WHEN c.level = 'municipality' AND p.level <> 'state'
                       THEN 'el superior de un municipio debe ser un estado, no ' || p.code
                     WHEN c.level = 'parish' AND p.level <> 'municipality'
                       THEN 'el superior de una parroquia debe ser un municipio, no ' || p.code
                     WHEN c.level IN ('municipality', 'parish') AND left(c.code, length(p.code)) <> p.code
                       THEN 'debería empezar por ' || p.code || ', el código de ' || p.name
                     WHEN c.level IN ('commune', 'council')
                          AND c.code ~ '^[0-9]+$' AND p.code ~ '^[0-9]+$'
                          AND length(c.code) > length(p.code)
                          AND left(c.code, length(p.code)) <> p.code
                       THEN 'debería empezar por ' || p.code || ', el código de ' || p.name
                   END AS detail
            FROM territory c LEFT JOIN territory p ON p.id = c.parent_id
            WHERE {_in_scope("c")}
        )
        SELECT :now, 'code_mismatch', level, code, parent_code, NULL, NULL, detail, geom
        FROM judged WHERE detail IS NOT NULL
    """,
}


def _clear(conn: Connection, params: dict) -> None:
    conn.execute(
        text(
            """
            DELETE FROM integrity_issue x
            WHERE (CAST(:level AS text) IS NULL OR x.level = :level)
              AND (CAST(:path AS text) IS NULL OR EXISTS (
                    SELECT 1 FROM territory t
                    WHERE t.code IN (x.territory_code, x.other_code) AND left(t.path, length(:path)) = :path))
            """
        ),
        params,
    )


def run_check(
    conn: Connection,
    level: str | None = None,
    territory: str | None = None,
    *,
    outside_tolerance: float = OUTSIDE_TOLERANCE,
    overlap_tolerance: float = OVERLAP_TOLERANCE,
    gap_tolerance: float = GAP_TOLERANCE,
) -> IntegrityReport:
    """Check the tree (or one level, or one subtree) and store what it finds.

    The issues previously stored for the same level and subtree are replaced; the
    caller's transaction is used, so commit to publish the layer.
    """
    started = time.perf_counter()
    if level is not None and level not in LEVELS:
        raise IntegrityError(f"nivel desconocido «{level}»: use uno de {', '.join(LEVELS)}")
    path = None
    territory_code = None
    if territory is not None:
        node = resolve(conn, territory)
        if node is None:
            raise IntegrityError(f"no existe el territorio «{territory}»")
        path, territory_code = node.path, node.code
    # clock_timestamp, not now(): two checks in one transaction must not share a stamp.
    now = conn.execute(text("SELECT clock_timestamp()")).scalar_one()
    params = {
        "now": now,
        "level": level,
        "path": path,
        "outside_tolerance": outside_tolerance,
        "overlap_tolerance": overlap_tolerance,
        "gap_tolerance": gap_tolerance,
    }
    _clear(conn, params)
    conn.execute(text("DROP TABLE IF EXISTS _sala_invalid"))
    conn.execute(text("CREATE TEMPORARY TABLE _sala_invalid (id bigint PRIMARY KEY) ON COMMIT DROP"))
    conn.execute(text(_INVALID))
    for sql in _CHECKS.values():
        conn.execute(text(sql), params)
    conn.execute(text("DROP TABLE _sala_invalid"))
    checked = conn.execute(
        text(f"SELECT count(*) FROM territory t WHERE {_in_scope('t')}"), {"level": level, "path": path}
    ).scalar_one()
    rows = conn.execute(
        text(
            """
            SELECT kind, level, territory_code, other_code, measure, area_km2, detail
            FROM integrity_issue WHERE checked_at = :now
            ORDER BY array_position(CAST(:kinds AS text[]), CAST(kind AS text)), level, territory_code, other_code
            """
        ),
        {"now": now, "kinds": list(INTEGRITY_KINDS)},
    ).all()
    issues = [Issue(*row) for row in rows]
    return IntegrityReport(
        checked_at=now,
        level=level,
        territory_code=territory_code,
        territories_checked=checked,
        seconds=time.perf_counter() - started,
        issues=issues,
    )
