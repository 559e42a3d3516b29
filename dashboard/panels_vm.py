"""The map room's panels as plain data: the KPI cards, the ranked grid, the legend and the
record filter controls (no database: they shape values the room has read)."""

from __future__ import annotations

from typing import Any

from dashboard import texts, variation
from dashboard.classify import classify, format_value, legend_items
from dashboard.view import ROOM_FILTERS, filter_def
from geodata.indicators import INDICATORS
from geodata.measures import grid_ids, kpi_ids


# The KPI cards and the territory grid's columns: the indicators declared with a `kpi` or
# `grid` position (geodata.measures), in that order.
KPI_IDS = kpi_ids()
GRID_IDS = grid_ids()
# Indicators whose non-zero value the KPI cards flag as needing attention.
ALERT_KPIS = {"cases_overdue", "projects_stalled", "claps_without_recent_delivery", "agreements_overdue", "councils_silent"}


def indicator_options() -> list[dict]:
    return [{"label": ind.label, "value": ind.id} for ind in INDICATORS.values()]


def legend(indicator_id: str, rows: list[dict], method: str = "jenks", k: int = 5) -> tuple[dict, Any]:
    """The choropleth's legend (title, how it is classed, each class with its count and
    «sin datos») and its classification, by the user's `method` and `k` classes."""
    from dashboard.classify import scheme_label

    ind = INDICATORS[indicator_id]
    c = classify([r.get(indicator_id) for r in rows], indicator_id, k, method)
    scheme = scheme_label(c)
    title = ind.label + (f" ({ind.unit})" if ind.unit and ind.unit not in ("Bs.",) else "")
    return {"title": title, "scheme": scheme, "items": legend_items(c, indicator_id)}, c


def kpi_cards(values: dict, previous: dict | None = None) -> list[dict]:
    """The KPI cards; with `previous` (the previous equal period's values) each card whose
    indicator has a period also says its change («+12 % vs. período anterior»)."""
    cards = []
    for ind_id in KPI_IDS:
        ind = INDICATORS[ind_id]
        value = values.get(ind_id)
        cards.append(
            {
                "id": ind_id,
                "label": ind.label,
                "value": format_value(ind_id, value),
                "alert": ind_id in ALERT_KPIS and bool(value),
            }
        )
        if previous is not None:
            cards[-1]["change"] = variation.change_text(ind_id, value, previous.get(ind_id))
    return cards


def grid_columns(indicator_id: str) -> list[dict]:
    """dash-ag-grid column definitions: the name, the chosen indicator first, then the rest."""
    ids = [indicator_id, *[i for i in GRID_IDS if i != indicator_id]]
    cols = [{"field": "name", "headerName": texts.GRID_NAME, "pinned": "left", "minWidth": 180, "filter": True}]
    for ind_id in ids:
        ind = INDICATORS[ind_id]
        decimals = int(ind.fmt.split(".")[-1][0]) if "." in ind.fmt else 0
        cols.append(
            {
                "field": ind_id,
                "headerName": ind.label,
                "type": "numericColumn",
                "filter": "agNumberColumnFilter",
                "valueFormatter": {"function": f"salaNumber(params.value, {decimals})"},
                "sort": "desc" if ind_id == indicator_id else None,
                "minWidth": 130,
            }
        )
    return cols


def grid_rows(rows: list[dict]) -> list[dict]:
    keep = ("code", "name", "level", *GRID_IDS, *INDICATORS)
    return [{k: r.get(k) for k in dict.fromkeys(keep)} for r in rows]


def ranked(rows: list[dict], indicator_id: str) -> list[dict]:
    """Children sorted by the indicator, highest first, missing values last."""
    return sorted(rows, key=lambda r: (r.get(indicator_id) is None, -(r.get(indicator_id) or 0), r["name"]))


def filter_controls() -> list[dict]:
    """The room's record filters: URL name, Spanish label and options, all from the
    registry's `FilterDef`s ("overdue" is one yes switch: «solo vencidos»)."""
    controls = []
    for name in ROOM_FILTERS:
        fdef = filter_def(name)
        if name == "overdue":
            controls.append({"name": name, "label": fdef.label, "multi": False,
                             "options": [{"label": texts.FILTER_OVERDUE_ONLY, "value": "1"}]})
        else:
            controls.append({"name": name, "label": fdef.label, "multi": True,
                             "options": [{"label": label, "value": value} for value, label in (fdef.choices or {}).items()]})
    return controls
