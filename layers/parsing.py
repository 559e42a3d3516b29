"""The parsers of what a person types, shared by the command line, the web routes and the
printed-map requests: dates (ISO 8601 or day-first) and `name=value` filters."""

from __future__ import annotations

import datetime as dt
import re

from layers.registry import LayerError

_DMY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")


def parse_date(value: str | None, option: str) -> dt.date | None:
    """ISO 8601 or the Venezuelan day-first forms (dd/mm/yyyy, dd-mm-yyyy)."""
    if value is None or value == "":
        return None
    value = value.strip()
    try:
        if match := _DMY.match(value):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise LayerError(f"Fecha inválida en {option}: «{value}» (use AAAA-MM-DD o DD/MM/AAAA).") from None


def parse_filters(values: list[str] | None) -> dict[str, list[str]] | None:
    """`--filter status=reported --filter status=assigned` or `--filter status=reported,assigned`."""
    if not values:
        return None
    filters: dict[str, list[str]] = {}
    for item in values:
        if "=" not in item:
            raise LayerError(f"Filtro inválido: «{item}» (use nombre=valor).")
        name, raw = item.split("=", 1)
        filters.setdefault(name.strip(), []).extend(v.strip() for v in raw.split(",") if v.strip())
    return filters
