"""The generic record layer (a table of points placed at their own point or, lacking one, at
their territory's): `record_builder` joins the record's territory, cuts to the subtree,
scope, period and box, applies the filters' conditions (`where_in`, `where_flag`,
`where_at_least`) and selects the layer's column specs; `record_layer` declares such a
layer at once (its fields are its columns). A new record layer is one declaration."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from geodata.models import Territory
from layers.registry.errors import LayerError
from layers.registry.params import LayerParams, _bool_filter, _values, _vocab_values
from layers.registry.spec import Column, Field, Layer, select_columns
from layers.registry.sql import _bbox_condition, _day, _period, _point, _records_in_box, _territory_condition, _territory_point

# A filter's condition: given the query's names and the parameters, a SQL condition or None (not asked for).
Condition = Callable[[Any, LayerParams], Any]


def where_in(name: str, expr: Callable[[Any], Any], vocab: Mapping[str, str] | None = None, *, lower: bool = False) -> Condition:
    """`?name=a&name=b`: `expr(q)` is one of the values (canonical codes of `vocab`; `lower`:
    compared case-insensitively, for free text)."""

    def condition(q, params: LayerParams):
        values = _values(params, name) if vocab is None else _vocab_values(params, name, vocab)
        if values is None:
            return None
        if lower:
            return func.lower(expr(q)).in_([v.lower() for v in values])
        return expr(q).in_(values)

    return condition


def where_flag(name: str, expr: Callable[[Any], Any]) -> Condition:
    """`?name=true|false`: the yes/no condition `expr(q)` holds, or does not."""

    def condition(q, params: LayerParams):
        wanted = _bool_filter(params, name)
        if wanted is None:
            return None
        return expr(q) if wanted else ~expr(q)

    return condition


def where_at_least(name: str, expr: Callable[[Any], Any]) -> Condition:
    """`?name=N`: `expr(q)` is at least N (the smallest, if several are given)."""

    def condition(q, params: LayerParams):
        values = _values(params, name)
        if values is None:
            return None
        try:
            least = min(float(v.replace(",", ".")) for v in values)
        except ValueError:
            raise LayerError(f"El filtro «{name}» espera un número: «{', '.join(values)}».") from None
        return expr(q) >= least

    return condition


def record_builder(
    model,
    columns: Sequence[Field],
    *,
    order_by: Callable[[Any], Sequence[Any]],
    period: Callable[[Any], Any] | None = None,
    conditions: Sequence[Condition] = (),
) -> Callable[[LayerParams, str], Select]:
    """The builder of a layer over `model` (with `id`, `geom` and `territory_id`): `columns`
    are built on `q.record` (the model), `q.t` (its territory), `q.day` (the day judged on);
    `period(q)` is the date the period applies to."""

    def build(params: LayerParams, geometry: str) -> Select:
        t = aliased(Territory, name="t")
        names = {"record": model, "t": t, "day": _day(params)}
        q = SimpleNamespace(**names)
        geom = _point(model.geom, _territory_point(t))
        conds = [_territory_condition(params, t.path)]
        if period is not None:
            conds.append(_period(period(q), params))
        conds += [_records_in_box(params, model, model.territory_id), _bbox_condition(params, geom)]
        conds += [c for condition in conditions if (c := condition(q, params)) is not None]
        return (
            select(*select_columns(columns, **names), geom.label("geom"))
            .select_from(model)
            .join(t, t.id == model.territory_id)
            .where(*conds)
            .order_by(*order_by(q))
        )

    return build


def record_layer(
    *,
    model,
    columns: Sequence[Column],
    order_by: Callable[[Any], Sequence[Any]],
    period: Callable[[Any], Any] | None = None,
    conditions: Sequence[Condition] = (),
    **layer,
) -> Layer:
    """A record layer in one declaration: `columns` are its fields and its select
    (`record_builder`); `layer` holds the rest of the `Layer` (id, title, style, popup,
    filters…; `geometry_type` "Point" and `level` None unless given)."""
    layer.setdefault("geometry_type", "Point")
    layer.setdefault("level", None)
    builder = record_builder(model, columns, order_by=order_by, period=period, conditions=conditions)
    return Layer(fields=tuple(columns), builder=builder, **layer)
