"""What a callback may assume of a value the browser sent: nothing. These turn any JSON
value into the type a callback expects, or its empty value, so a crafted request gets the
same answer as an empty control instead of a traceback (`dashboard.request_guard` has
already refused malformed request shapes and NUL characters)."""

from __future__ import annotations

MAX_TEXT = 10_000


def text(value, limit: int = MAX_TEXT) -> str | None:
    """A string (numbers as their text), or None for anything else or longer than `limit`."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    return value if isinstance(value, str) and len(value) <= limit else None


def mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def texts(value) -> list[str]:
    """A list of strings (a lone string as a one-item list); other items dropped."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        return []
    return [item for item in (text(v) for v in value) if item is not None]


def count(value) -> int:
    """A click or interval count: a non-negative int, else 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def operator_requested(query: dict) -> bool:
    """Operator mode from the URL (`&operador=1`), so a wall screen that reloads stays in it
    (the room and /operador)."""
    raw = query.get("operador")
    return str(raw or "").strip().lower() in {"1", "true", "si", "sí", "on"}
