"""Where a request stands: a territory resolved and scope-checked once, at the edge.

Every callback, route and command turns the territory it was asked for into a `Place`
with `resolve_place` — the one scope check of a read or a write — and passes it down:
indicators, records, layers, solutions and operations take a Place and never look the
code up again. One statement reads the node, its ancestors (the breadcrumb) and whether
it has children (a leaf shows its siblings).

A director's scope is a subtree; the nodes above it (the country, their state's
ancestors) are visible only as the way down: a Place there lists only what lies inside
the scope.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Connection, and_, any_, bindparam, exists, func, select, true
from sqlalchemy.orm import aliased

from geodata.access import NATIONAL, Scope, ScopeError
from geodata.models import Territory
from geodata.territory import COUNTRY_NAME, TerritoryNode, normalise_code

_COLUMNS = ("id", "level", "code", "name", "parent_id", "path", "depth")


@dataclass(frozen=True)
class Place:
    """A territory (None: the country) as one scope may see it."""

    node: TerritoryNode | None
    ancestors: tuple[TerritoryNode, ...] = ()  # its state … its parent
    scope: Scope = NATIONAL
    has_children: bool = True

    @property
    def code(self) -> str | None:
        return self.node.code if self.node else None

    @property
    def name(self) -> str:
        return self.node.name if self.node else COUNTRY_NAME

    @property
    def level(self) -> str:
        return self.node.level if self.node else "country"

    @property
    def path(self) -> str | None:
        return self.node.path if self.node else None

    @property
    def depth(self) -> int:
        """0 for a state, -1 for the country."""
        return self.node.depth if self.node else -1

    @property
    def is_country(self) -> bool:
        return self.node is None

    @property
    def leaf(self) -> bool:
        """A territory with nothing below it (a council): the map shows its siblings."""
        return self.node is not None and not self.has_children

    @property
    def parent(self) -> TerritoryNode | None:
        return self.ancestors[-1] if self.ancestors else None

    @property
    def map_parent(self) -> TerritoryNode | None:
        """Whose children fill the map: the place itself, or its parent for a leaf."""
        return self.parent if self.leaf else self.node

    @property
    def map_place(self) -> Place:
        """The Place whose children fill the map: itself, or its parent's for a leaf."""
        if not self.leaf:
            return self
        return Place(self.parent, self.ancestors[:-1], self.scope, True)

    @property
    def in_scope(self) -> bool:
        """False for a node seen only as the way down to the scope (an ancestor of it)."""
        return self.node is None and self.scope.national or self.node is not None and self.scope.allows(self.node.path)

    @property
    def breadcrumb(self) -> list[tuple[str | None, str]]:
        """(code, name) from the country down to the place itself."""
        crumbs: list[tuple[str | None, str]] = [(None, COUNTRY_NAME)]
        crumbs += [(a.code, a.name) for a in self.ancestors]
        if self.node is not None:
            crumbs.append((self.node.code, self.node.name))
        return crumbs

    def ancestor(self, level: str) -> TerritoryNode | None:
        """The node of `level` the place is in (itself included), e.g. its municipality."""
        for node in (*self.ancestors, self.node):
            if node is not None and node.level == level:
                return node
        return None

    def condition(self, path_column=Territory.path):
        """A WHERE clause for the territories (or records by their territory's path) under
        the place that the scope may see."""
        clauses = [self.scope.condition(path_column)]
        if self.node is not None:
            clauses.append(path_column.startswith(self.node.path, autoescape=True))
        return and_(true(), *clauses)

    def contains(self, path: str | None) -> bool:
        """True when a territory with this path lies under the place and inside the scope."""
        if path is None or not self.scope.allows(path):
            return False
        return self.node is None or path.startswith(self.node.path)


def _node(row, prefix: str = "") -> TerritoryNode:
    return TerritoryNode(*(row._mapping[prefix + c] for c in _COLUMNS))


@functools.cache
def _lookup_statement(by_iso_code: bool):
    """The node matching `:wanted` (its code, or its ISO code upper-cased), whether it has
    children, and one row per ancestor. Built once: every request resolves a place, and
    building the statement cost twice what running it does."""
    t = Territory.__table__
    match = func.upper(t.c.iso_code) == bindparam("wanted") if by_iso_code else t.c.code == bindparam("wanted")
    child = aliased(Territory)
    node = (
        select(
            *(t.c[c] for c in _COLUMNS),
            exists().where(child.parent_id == t.c.id, child.level != "circuit").label("has_children"),
        )
        .where(match)
        .limit(1)
        .cte("node")
    )
    above = aliased(Territory)
    parts = func.string_to_array(func.btrim(node.c.path, "/"), "/")
    return (
        select(node, *(getattr(above, c).label("a_" + c) for c in _COLUMNS))
        .outerjoin(above, and_(above.code == any_(parts), above.id != node.c.id))
        .order_by(above.depth)
    )


def _lookup(conn: Connection, wanted: str, by_iso_code: bool = False) -> list:
    return conn.execute(_lookup_statement(by_iso_code), {"wanted": wanted}).all()


def resolve_place(conn: Connection, code: str | None, scope: Scope = NATIONAL) -> Place:
    """The Place of `code` (an INE code, an OCHA P-code, or a state's ISO 3166-2 code; None:
    the country — for a director, their own territory). The one scope check of a request.

    Raises ScopeError (a NotFound) for an unknown code and for one outside the scope alike.
    """
    if code is None and not scope.national:
        code = scope.territory_code
    if code is None:
        return Place(None, (), scope, True)
    wanted = normalise_code(str(code))
    # The code by its unique index; the ISO code only when no code matches (never an OR,
    # which would scan the table).
    rows = _lookup(conn, wanted)
    if not rows:
        rows = _lookup(conn, wanted.upper(), by_iso_code=True)
    if not rows:
        raise ScopeError(code)
    node = _node(rows[0])
    if not (scope.allows(node.path) or scope.ancestor_visible(node.path)):
        raise ScopeError(code)
    ancestors = tuple(_node(r, "a_") for r in rows if r._mapping["a_id"] is not None)
    return Place(node, ancestors, scope, bool(rows[0]._mapping["has_children"]))


# What the read functions below the edge take for a territory: a Place (resolved and
# scope-checked at the edge, the way every request passes it), a node taken from one, a
# code (resolved here, for the CLI and older callers) or None (the country).
Where = Place | TerritoryNode | str | None


def code_of(where: Where) -> str | None:
    """The territory code `where` names (None: the country)."""
    if isinstance(where, (Place, TerritoryNode)):
        return where.code
    return where


def node_of(conn: Connection, where: Where, scope: Scope = NATIONAL) -> TerritoryNode | None:
    """The node `where` names, without a lookup when it comes resolved (a Place or a node);
    a code goes through `resolve_place`, the scope check. None: the country.

    Raises ScopeError for an unknown code or one the scope cannot see, even as the way down."""
    if where is None or isinstance(where, TerritoryNode):
        return where
    if isinstance(where, Place):
        return where.node
    return resolve_place(conn, where, scope).node
