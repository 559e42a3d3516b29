"""One drill-down click looks its territory up once.

The room's drill-down callback (`dashboard.callbacks.room.on_action`) runs `vm.event` (the
drill resolves the Place it moves to, the one scope check) and then `vm.room` with that
Place; every read below takes the Place. Counted on the real PostGIS engine with
SQLAlchemy's `before_cursor_execute`, every cache cold: the statements that read the
`territory` table by code (or ISO code) are exactly one per click, at every level."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from dashboard import viewmodels as vm
from dashboard.view import View
from geodata import indicators
from geodata.settings import Settings
from layers.boundaries import clear_cache
from geodata.access import Scope
from tests.dashboard_fixtures import TODAY, populated_tree

# A statement on `territory` (or an alias of it) whose condition names a code.
_READS_TERRITORY = re.compile(r"\b(?:FROM|JOIN)\s+territory\b", re.IGNORECASE)
_BY_CODE = re.compile(r"\b(?:territory(?:_\d+)?|t)\.(?:code|iso_code)\)?\s*(?:=|IN\b)", re.IGNORECASE)


@pytest.fixture
def tree(engine):
    clear_cache()
    with engine.begin() as conn:
        populated_tree(conn)
        indicators.refresh(conn, TODAY)


def _lookups(statements: list[str]) -> list[str]:
    return [s for s in statements if _READS_TERRITORY.search(s) and _BY_CODE.search(s)]


def _click(engine, view: View, code: str, scope) -> tuple[View, list[str]]:
    """What `on_action` runs for a click on `code` on the map: the new view and, when it
    changed, its room; returns the new view and the statements run, with cold caches."""
    vm._indicator_cache.clear()
    clear_cache()
    statements: list[str] = []

    def seen(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        click = {"points": [{"location": code, "curveNumber": 0}]}
        new, place = vm.event(engine, view, "map", click_data=click, scope=scope)
        if new != view:
            vm.room(engine, new, scope, Settings(_env_file=None), today=TODAY, place=place)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return new, statements


@pytest.mark.parametrize("layers", [(), ("cases", "projects", "claps")])
def test_each_drill_down_click_looks_the_territory_up_once(engine, tree, layers):
    view = View(None, layers=layers)
    # country → state → municipality → parish → commune, then a council (a leaf: no drill)
    for code, level in [("01", "state"), ("0101", "municipality"), ("010101", "parish"), ("01010101", "commune"),
                        ("0101010101", "council")]:
        new, statements = _click(engine, view, code, vm.NATIONAL)
        assert len(_lookups(statements)) == 1, (level, _lookups(statements))
        if level != "council":
            assert new.territory == code
            view = new
        else:
            assert new == view  # a council opens its card instead of drilling


def test_a_directors_drill_down_looks_the_territory_up_once(engine, tree):
    capital = Scope(role="director", territory_code="01", territory_path="/01/")
    new, statements = _click(engine, View(None, layers=("cases",)), "0101", capital)
    assert new.territory == "0101"
    assert len(_lookups(statements)) == 1
    # Outside the scope: no drill, one lookup, nothing drawn.
    same, statements = _click(engine, new, "1501", capital)
    assert same == new and len(_lookups(statements)) == 1


def test_the_counter_sees_the_lookups(engine, tree):
    """Without the drill's Place the room locates the territory itself: one more."""
    vm._indicator_cache.clear()
    clear_cache()
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    vm.room(engine, View("0101"), vm.NATIONAL, Settings(_env_file=None), today=TODAY)
    assert len(_lookups(statements)) == 1
