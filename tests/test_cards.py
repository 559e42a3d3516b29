"""A communal council's card: its path, households and indicators, only inside the viewer's scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard import cards_vm as vm
from dashboard.view import View
from geodata import cards
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.models import Territory


def _director(state: str) -> Scope:
    return Scope(role="director", territory_code=state, territory_path=f"/{state}/")


def _council_and_commune(conn):
    council = conn.execute(
        select(Territory.code, Territory.path).where(Territory.level == "council").order_by(Territory.code)
    ).first()
    commune = conn.execute(select(Territory.code).where(Territory.level == "commune").order_by(Territory.code)).scalar()
    return council, commune


def test_card_of_a_council_in_scope_and_refused_outside(demo_engine):
    with demo_engine.connect() as conn:
        council, _ = _council_and_commune(conn)
        card = cards.leaf_card(conn, council.code, scope=NATIONAL)
        state = council.code[:2]
        other = "01" if state != "01" else "15"
        assert card["code"] == council.code and card["level"] == "council"
        assert len(card["path"]) >= 4 and card["path"][-1] == card["name"]
        assert card["values"]["cases_open"] is not None
        assert cards.leaf_card(conn, council.code, scope=_director(state))["code"] == council.code
        with pytest.raises(ScopeError):
            cards.leaf_card(conn, council.code, scope=_director(other))
        with pytest.raises(ScopeError):
            cards.leaf_card(conn, "no-existe", scope=NATIONAL)


def test_panel_only_for_a_leaf(demo_engine):
    with demo_engine.connect() as conn:
        council, commune = _council_and_commune(conn)
    panel = vm.territory_panel(demo_engine, View(), council.code)
    assert panel["error"] is None and panel["title"].endswith(f"({council.code})")
    labels = [label for label, _ in panel["fields"]]
    assert "Familias" in labels and "Casos abiertos" in labels
    # A commune drills instead; nothing and an unknown code open no card.
    assert vm.territory_panel(demo_engine, View(), commune) is None
    assert vm.territory_panel(demo_engine, View(), None) is None
    other = "01" if council.code[:2] != "01" else "15"
    refused = vm.territory_panel(demo_engine, View(), council.code, _director(other))
    assert refused["error"] and "fields" not in refused
