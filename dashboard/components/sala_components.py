"""Dash components of our own (namespace `sala_components`, plain JavaScript on React, no
build step): the room's MapLibre map (`assets/room-map.js`) and a container that mounts its
children when they come near the screen (`assets/lazy-mount.js`)."""

from __future__ import annotations

from dash.development.base_component import Component

NAMESPACE = "sala_components"


def _given(**props) -> dict:
    """The props set (Dash's generated components pass only those, never a None id)."""
    return {name: value for name, value in props.items() if value is not None}


class RoomMap(Component):
    """The room's map: `figure` is the Plotly-shaped figure of `dashboard.figures`
    (choroplethmap, scattermap and densitymap traces; layout.map's centre, zoom, layers and
    layout.meta's frame), drawn by MapLibre; a click sets `clickData` as Plotly's would
    (`points[0]`: curveNumber, pointNumber, location, customdata, lon, lat)."""

    _namespace = NAMESPACE
    _type = "RoomMap"
    _prop_names = ["id", "figure", "clickData", "className", "style", "label"]
    _valid_wildcard_attributes: list[str] = []
    available_properties = _prop_names
    available_wildcard_properties: list[str] = []
    _base_nodes = ["children"]

    def __init__(self, id=None, figure=None, clickData=None, className=None, style=None, label=None, **kwargs):
        super().__init__(**_given(id=id, figure=figure, clickData=clickData, className=className, style=style, label=label),
                         **kwargs)


class Lazy(Component):
    """Its children drawn once they come within 200 px of the screen; a box of `height`
    (CSS) keeps their place until then, so nothing moves when they arrive."""

    _namespace = NAMESPACE
    _type = "Lazy"
    _prop_names = ["children", "id", "className", "style", "height"]
    _valid_wildcard_attributes: list[str] = []
    available_properties = _prop_names
    available_wildcard_properties: list[str] = []
    _base_nodes = ["children"]

    def __init__(self, children=None, id=None, className=None, style=None, height=None, **kwargs):
        super().__init__(children=children, **_given(id=id, className=className, style=style, height=height), **kwargs)
