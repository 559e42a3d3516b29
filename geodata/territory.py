"""The territory tree: one hierarchy for every level, so drill-down, scope and
aggregation are one code path (DHIS2's organisation units).

Nodes carry a materialised `path` of codes (`/01/0101/010101/`): a subtree is a prefix
match on an indexed column and the ancestors of a node are the parts of its path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, and_, func, select, text

from geodata.models import Territory
from geodata.vocab import LEVEL_LABELS

COUNTRY_NAME = "Venezuela"

_OCHA_PCODE = re.compile(r"^VE(\d{2,})$", re.IGNORECASE)


@dataclass(frozen=True)
class TerritoryNode:
    id: int
    level: str
    code: str
    name: str
    parent_id: int | None
    path: str
    depth: int

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def path_codes(self) -> list[str]:
        return [part for part in self.path.split("/") if part]


_COLUMNS = (
    Territory.id,
    Territory.level,
    Territory.code,
    Territory.name,
    Territory.parent_id,
    Territory.path,
    Territory.depth,
)


def _node(row) -> TerritoryNode:
    return TerritoryNode(*row)


def normalise_code(code: str) -> str:
    """Accept the forms people paste: INE codes, OCHA P-codes (`VE0101`), surrounding blanks."""
    code = code.strip()
    if match := _OCHA_PCODE.match(code):
        return match.group(1)
    return code


def resolve(conn: Connection, code: str) -> TerritoryNode | None:
    """The node with this code, at any level (INE code, P-code or ISO 3166-2 of a state)."""
    code = normalise_code(code)
    # The code by its unique index; the ISO code (its own expression index) only when no
    # code matches. Never an OR of the two: that defeats both indexes and scans the table.
    row = conn.execute(select(*_COLUMNS).where(Territory.code == code)).first()
    if row is None:
        row = conn.execute(
            select(*_COLUMNS).where(func.upper(Territory.iso_code) == code.upper()).order_by(Territory.id).limit(1)
        ).first()
    return _node(row) if row else None


def nodes_where(conn: Connection, *conditions) -> list[TerritoryNode]:
    """The territories matching every condition (SQLAlchemy expressions on Territory)."""
    return [_node(r) for r in conn.execute(select(*_COLUMNS).where(*conditions))]


def children(conn: Connection, code: str | TerritoryNode | None = None) -> list[TerritoryNode]:
    """The children of a node (or of the node with this code) in the drill-down tree; None
    gives the states.

    Circuits are not in the drill-down path (they group communes of a municipality),
    so they are listed only when asked for by `circuits()`.
    """
    query = select(*_COLUMNS).where(Territory.level != "circuit").order_by(Territory.name)
    if code is None:
        query = query.where(Territory.parent_id.is_(None))
    else:
        parent = code if isinstance(code, TerritoryNode) else resolve(conn, code)
        if parent is None:
            return []
        query = query.where(Territory.parent_id == parent.id)
    return [_node(r) for r in conn.execute(query)]


def circuits(conn: Connection, municipality_code: str) -> list[TerritoryNode]:
    parent = resolve(conn, municipality_code)
    if parent is None:
        return []
    query = select(*_COLUMNS).where(and_(Territory.level == "circuit", Territory.parent_id == parent.id))
    return [_node(r) for r in conn.execute(query.order_by(Territory.name))]


def ancestors(conn: Connection, code: str) -> list[TerritoryNode]:
    """The nodes above `code`, from its state down to its parent (empty for a state)."""
    node = resolve(conn, code)
    if node is None:
        return []
    above = node.path_codes[:-1]
    if not above:
        return []
    rows = conn.execute(select(*_COLUMNS).where(Territory.code.in_(above))).all()
    by_code = {r.code: _node(r) for r in rows}
    return [by_code[c] for c in above if c in by_code]


def breadcrumb(conn: Connection, code: str | None) -> list[tuple[str | None, str]]:
    """(code, name) pairs from the country down to `code`, for the map's breadcrumb."""
    crumbs: list[tuple[str | None, str]] = [(None, COUNTRY_NAME)]
    if code is None:
        return crumbs
    node = resolve(conn, code)
    if node is None:
        return crumbs
    crumbs.extend((a.code, a.name) for a in ancestors(conn, node.code))
    crumbs.append((node.code, node.name))
    return crumbs


def is_within(conn: Connection, code: str, ancestor_code: str) -> bool:
    """True when `code` is `ancestor_code` or lies below it."""
    node, ancestor = resolve(conn, code), resolve(conn, ancestor_code)
    if node is None or ancestor is None:
        return False
    return node.path.startswith(ancestor.path)


def subtree_condition(path: str):
    """A WHERE clause for the territories in the subtree whose root has this path."""
    return Territory.path.startswith(path, autoescape=True)


def rebuild_paths(conn: Connection) -> int:
    """Recompute `path` and `depth` for every node from the parent links, set-based.

    Loaders call it after a boundary load; returns the number of rows changed.
    """
    result = conn.execute(
        text(
            """
            WITH RECURSIVE tree AS (
                SELECT id, '/' || code || '/' AS path, 0 AS depth
                FROM territory WHERE parent_id IS NULL
                UNION ALL
                SELECT t.id, tree.path || t.code || '/', tree.depth + 1
                FROM territory t JOIN tree ON t.parent_id = tree.id
            )
            UPDATE territory t SET path = tree.path, depth = tree.depth
            FROM tree
            WHERE t.id = tree.id AND (t.path IS DISTINCT FROM tree.path OR t.depth IS DISTINCT FROM tree.depth)
            """
        )
    )
    return result.rowcount


def path_labels(conn: Connection, codes) -> dict[str, dict]:
    """For each code: its name, level and path label (`Miranda › Sucre › Petare`), in two
    queries whatever the number of codes (the nodes, then the ancestors they name)."""
    codes = {c for c in codes if c}
    if not codes:
        return {}
    t = Territory.__table__
    columns = (t.c.code, t.c.name, t.c.level, t.c.path)
    rows = conn.execute(select(*columns).where(t.c.code.in_(sorted(codes)))).all()
    by_code = {r.code: r for r in rows}
    parts_needed = {p for r in rows for p in r.path.strip("/").split("/") if p and p not in by_code}
    if parts_needed:
        for r in conn.execute(select(*columns).where(t.c.code.in_(sorted(parts_needed)))):
            by_code[r.code] = r
    out = {}
    for code in codes:
        r = by_code.get(code)
        if r is None:
            continue
        names = [by_code[p].name for p in r.path.strip("/").split("/") if p in by_code]
        out[code] = {"code": code, "name": r.name, "level": r.level, "path": " › ".join(names)}
    return out
