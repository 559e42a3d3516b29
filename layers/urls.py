"""The URLs of what is on screen (layer, territory, period, filters) as the dashboard links
them: exports, vector tiles, the planning pack, the minutes and the advice. No Flask here:
the routes that answer them are in `layers.web`."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from layers.formats import FORMATS
from layers.output import ExportError


def _period_args(period) -> list[tuple[str, str]]:
    """A period as query arguments: None, (from, to), or any object with date_from/date_to/consultation_round."""
    if period is None:
        return []
    if isinstance(period, tuple | list):
        date_from, date_to = (list(period) + [None, None])[:2]
        consultation_round = None
    else:
        date_from = getattr(period, "date_from", None)
        date_to = getattr(period, "date_to", None)
        consultation_round = getattr(period, "consultation_round", None)
    args = []
    if date_from:
        args.append(("from", date_from.isoformat() if hasattr(date_from, "isoformat") else str(date_from)))
    if date_to:
        args.append(("to", date_to.isoformat() if hasattr(date_to, "isoformat") else str(date_to)))
    if consultation_round:
        args.append(("round", consultation_round))
    return args


def _query(territory: str | None, period, filters: dict[str, list[str]] | None, extra: Iterable[tuple[str, str]] = ()) -> str:
    args: list[tuple[str, str]] = []
    if territory:
        args.append(("territory", territory))
    args += _period_args(period)
    for name, values in sorted((filters or {}).items()):
        for value in values if isinstance(values, list | tuple) else [values]:
            args.append((name, str(value)))
    args += list(extra)
    return ("?" + urlencode(args)) if args else ""


def export_url(layer_id: str, fmt: str, territory: str | None = None, period=None, filters: dict[str, list[str]] | None = None,
               *, paper: str | None = None, labels: str | None = None) -> str:
    """The download URL of exactly what is on screen (layer, territory, period, filters)."""
    if fmt not in FORMATS:
        raise ExportError(f"Formato desconocido: «{fmt}».")
    extra = [("paper", paper)] if paper else []
    if labels:
        extra.append(("labels", labels))
    return f"/export/{layer_id}.{fmt}" + _query(territory, period, filters, extra)


def pack_url(code: str, period=None) -> str:
    """The planning pack download of a municipality for the period on screen."""
    return f"/export/pack/{code}.zip" + _query(None, period, None)


def advice_url(code: str, fmt: str) -> str:
    """The advice for the next consultation of a commune or circuit (`layers.advice`) as pdf, csv or xlsx."""
    return f"/export/advice/{code}.{fmt}"


def minutes_url(code: str, cabinet_date, fmt: str) -> str:
    """The SINCO minutes of a municipality's cabinet session (`layers.minutes`) as pdf, csv or xlsx."""
    day = cabinet_date.isoformat() if hasattr(cabinet_date, "isoformat") else str(cabinet_date)
    return f"/export/minutes/{code}.{fmt}?" + urlencode([("date", day)])


def tile_url(layer_id: str, territory: str | None = None, period=None, filters: dict[str, list[str]] | None = None) -> str:
    """The `{z}/{x}/{y}` URL template of a layer's vector tiles, with the on-screen parameters."""
    return f"/tiles/{layer_id}/{{z}}/{{x}}/{{y}}.pbf" + _query(territory, period, filters)
