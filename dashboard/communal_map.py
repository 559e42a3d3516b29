"""The communal system's layers in the room's «Capas» (peace quadrants, defence plans,
communal businesses, justices of the peace): map traces with their key figures on hover.

Above a municipality (the country, a state) each is one bubble per child territory, sized
by its count, from `geodata.communal_summary` (the figures of the «Sistema comunal» page);
from the municipality down, the registry's own features (`layers.communal`): quadrants as
polygons coloured by whether their report is recent, the others as points coloured by
their status, each hover with the layer's popup fields.
"""

from __future__ import annotations

import datetime as dt

from dashboard import texts
from dashboard.figures import _popup_value, _point_size
from dashboard.view import COMMUNAL_KINDS
from geodata.access import Scope
from geodata.communal_summary import communal_summary
from geodata.place import Place, Where, code_of, resolve_place
from layers.classify import format_number
from layers.features import features_frame, features_geojson
from layers.registry import LayerParams, get_layer

COMMUNAL_LAYERS = COMMUNAL_KINDS
# Bubble per child: (the count that sizes it, [(label, measure)] for its hover), from communal_summary.
BUBBLES = {
    "quadrants": ("quadrants", (("Sin reporte reciente", "quadrants_stale"), ("Casos de seguridad", "security_cases"))),
    "defense_plans": ("defense_plans", (("Sin revisión en el último año", "defense_plans_stale"),)),
    "businesses": ("businesses_active", (("Trabajadores", "business_workers"),)),
    "peace_judges": ("peace_judges", (("Casos atendidos", "peace_cases"), ("Abiertos", "peace_open"),
                                      ("Resolución (%)", "peace_resolution_rate"))),
}
BUBBLE_COLORS = {"quadrants": "#de2d26", "defense_plans": "#006d2c", "businesses": "#1b9e77", "peace_judges": "#6a51a3"}
STALE_COLORS = [[0, "#3182bd"], [1, "#de2d26"]]


def communal_traces(conn, kinds: list[str], parent_code: Where, aggregate: bool, view, scope: Scope,
                    anchors: dict | None, today: dt.date | None = None) -> list[dict]:
    """The traces of the chosen communal layers over the children of `parent_code` (the
    Place the room resolved, or a code)."""
    kinds = [k for k in kinds if k in COMMUNAL_LAYERS]
    if not kinds:
        return []
    if aggregate:
        from dashboard.viewmodels import cached_read  # (that module draws the room with this one)

        given = parent_code if isinstance(parent_code, Place) and parent_code.node is not None else None
        place = given or resolve_place(conn, code_of(parent_code), scope)
        day = today or dt.date.today()
        summary = cached_read(conn, ("communal_summary", place.code, view.period, scope, day),
                              lambda: communal_summary(conn, place, view.period, day))
        return [_bubbles(kind, summary["rows"], anchors or {}) for kind in kinds]
    node = parent_code.node if isinstance(parent_code, Place) else None
    params = LayerParams(territory=code_of(parent_code), territory_path=node.path if node else None, date_from=view.period.date_from, date_to=view.period.date_to, scope=scope,
                         as_of=today)
    return [_quadrants(conn, params) if kind == "quadrants" else _points(conn, kind, params) for kind in kinds]


def _bubbles(kind: str, rows: list[dict], anchors: dict) -> dict:
    count, lines = BUBBLES[kind]
    label = texts.LAYER_LABELS[kind]
    shown = sorted((r for r in rows if r.get(count) and r["code"] in anchors), key=lambda r: -r[count])
    biggest = max((r[count] for r in shown), default=0)
    detail = [
        [r["code"], r["name"], format_number(r[count]),
         " · ".join(f"{name}: {_number(r.get(m))}" for name, m in lines)]
        for r in shown
    ]
    return dict(
        type="scattermap", mode="markers",
        lon=[anchors[r["code"]][0] for r in shown], lat=[anchors[r["code"]][1] for r in shown],
        marker={"size": [_point_size(r[count], biggest) for r in shown], "color": BUBBLE_COLORS[kind], "opacity": 0.7},
        customdata=detail,
        hovertemplate=f"<b>%{{customdata[1]}}</b><br>{label}: %{{customdata[2]}}<br>%{{customdata[3]}}<extra></extra>",
        name=label, uid=f"communal-{kind}",
    )


def _number(value) -> str:
    return "—" if value is None else format_number(value, ",.0f" if float(value).is_integer() else ",.1f")


def _hover(layer, props: dict) -> list:
    """customdata: "" (no drill), the title, then the popup's other fields as written."""
    fields = [layer.field(n) for n in layer.popup]
    return ["", str(props.get(fields[0].name) or ""), *[_popup_value(f, props.get(f.name)) for f in fields[1:]]]


def _template(layer) -> str:
    fields = [layer.field(n) for n in layer.popup]
    return "<b>%{customdata[1]}</b>" + "".join(f"<br>{f.label}: %{{customdata[{i}]}}" for i, f in enumerate(fields[1:], start=2)) \
        + "<extra></extra>"


def _quadrants(conn, params: LayerParams) -> dict:
    layer = get_layer("quadrants")
    collection = features_geojson(conn, layer, params, precision=5)
    props = [f["properties"] for f in collection["features"]]
    return dict(
        type="choroplethmap", geojson=collection, featureidkey="properties.code",
        locations=[p["code"] for p in props], z=[1 if p.get("stale") else 0 for p in props],
        zmin=0, zmax=1, colorscale=STALE_COLORS, showscale=False,
        marker={"opacity": 0.25, "line": {"width": 1.2, "color": "#7f0000"}},
        customdata=[_hover(layer, p) for p in props], hovertemplate=_template(layer),
        name=texts.LAYER_LABELS["quadrants"], showlegend=True, uid="communal-quadrants",
    )


def _points(conn, kind: str, params: LayerParams) -> dict:
    layer = get_layer(kind)
    frame = features_frame(conn, layer, params)
    frame = frame[frame.geometry.notna()]
    table = frame.drop(columns="geometry")
    records = table.astype(object).where(table.notna(), None).to_dict("records")
    style = layer.style
    return dict(
        type="scattermap", mode="markers",
        lon=frame.geometry.x.round(5).tolist(), lat=frame.geometry.y.round(5).tolist(),
        marker={"size": 10, "opacity": 0.9,
                "color": [style.color_for(r.get(style.field)) for r in records] if style.field else style.color},
        customdata=[_hover(layer, r) for r in records], hovertemplate=_template(layer),
        name=texts.LAYER_LABELS[kind], uid=f"communal-{kind}",
    )
