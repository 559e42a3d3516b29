"""The card of a communal council: what a click on the lowest level opens (it has nothing
below it to drill into). Plain data for `components.room.territory_panel`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from dashboard import texts
from dashboard.classify import format_number, format_value
from dashboard.view import View
from dashboard.viewmodels import KPI_IDS
from geodata import cards
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.indicators import INDICATORS
from geodata.vocab import LEVEL_LABELS


def territory_panel(engine: Engine, view: View, code: str | None, scope: Scope = NATIONAL,
                    today: dt.date | None = None) -> dict | None:
    """The card of a clicked territory that has nothing below it (a communal council): its
    path, households and population, and the KPI indicators over the view's period. None for
    a territory a click drills into instead (or no territory); an unknown one or one outside
    the scope gives only `error`."""
    if not code:
        return None
    with engine.connect() as conn:
        try:
            card = cards.leaf_card(conn, code, view.period, scope, today=today)
        except ScopeError:
            return {"code": code, "error": texts.TERRITORY_NOT_FOUND.format(code=code)}
    if card is None:
        return None
    fields = [
        (texts.CARD_LEVEL, LEVEL_LABELS.get(card["level"], card["level"])),
        (texts.CARD_PATH, " › ".join(card["path"][:-1]) or "—"),
        (texts.CARD_HOUSEHOLDS, format_number(card["households"], ",.0f")),
        (texts.CARD_POPULATION, format_number(card["population"], ",.0f")),
    ]
    fields += [(INDICATORS[i].label, format_value(i, card["values"].get(i))) for i in KPI_IDS]
    return {"code": card["code"], "error": None, "title": f"{card['name']} ({card['code']})", "fields": fields}
