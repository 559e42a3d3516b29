"""Column specs several layers share, declared once: a territory's code, name and parent;
a record's territory «tail» (territory code and name, where its point comes from, the demo
flag and the day of the data). A builder names `q.record` (the row's table), `q.t` (its
territory) and, for territory layers, `q.parent`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Date, case, cast

from layers.registry.spec import Column


def named_with_parent(code_label: str = "Código", name_label: str = "Nombre") -> tuple[Column, ...]:
    """The first columns of a territory layer: code, name, parent_code, parent_name."""
    return (
        Column("code", code_label, "str", lambda q: q.t.code),
        Column("name", name_label, "str", lambda q: q.t.name),
        Column("parent_code", "Código del nivel superior", "str", lambda q: q.parent.code),
        Column("parent_name", "Nivel superior", "str", lambda q: q.parent.name),
    )


IS_DEMO = Column("is_demo", "Datos de demostración", "bool", lambda q: q.record.is_demo)
LOCATION_SOURCE = Column(
    "location_source", "Ubicación", "str", lambda q: case((q.record.geom.is_not(None), "punto"), else_="territorio")
)


def _last_update(q):
    return cast(q.record.updated_at, Date)


def updated_on(expr: Callable[[Any], Any] = _last_update) -> Column:
    """The day of the data (`Layer.date_field`): by default the row's last update."""
    return Column("updated_on", "Actualizado", "date", expr)


def territory_tail(*, located: bool = False, updated: Callable[[Any], Any] = _last_update) -> tuple[Column, ...]:
    """A record's last columns: its territory's code and name, whether it has a point of its
    own (`located`: «punto») or borrows its territory's, the demo flag and `updated_on`."""
    return (
        Column("territory_code", "Código del territorio", "str", lambda q: q.t.code),
        Column("territory_name", "Territorio", "str", lambda q: q.t.name),
        *((LOCATION_SOURCE,) if located else ()),
        IS_DEMO,
        updated_on(updated),
    )


# A territory's own last columns (its demo flag and last update).
TERRITORY_OWN_TAIL = (IS_DEMO, updated_on())
