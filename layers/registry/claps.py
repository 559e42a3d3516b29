"""The CLAP layer: each committee with its households, its last delivery (up to the end of
the period and the day judged on), the days since, and its deliveries in the period."""

from __future__ import annotations

from sqlalchemy import Date, Integer, Select, cast, func, or_, select
from sqlalchemy.orm import aliased

from geodata.models import Clap, ClapDelivery, Territory
from layers.registry.catalogue import register
from layers.registry.columns import territory_tail
from layers.registry.errors import LayerError
from layers.registry.params import LayerParams, _values
from layers.registry.spec import Column, FilterDef, Layer, Style, select_columns
from layers.registry.sql import (
    _bbox_condition,
    _day,
    _period,
    _point,
    _records_in_box,
    _territory_condition,
    _territory_point,
)

# `q.last`: each CLAP's last delivery; `q.in_period`: its deliveries in the period.
CLAP_COLUMNS = (
    Column("code", "Código CLAP", "str", lambda q: Clap.code),
    Column("name", "CLAP", "str", lambda q: Clap.name),
    Column("households", "Familias registradas", "int", lambda q: Clap.households),
    Column("last_delivery", "Última entrega", "date", lambda q: q.last.c.last_delivery),
    Column("days_since_delivery", "Días desde la última entrega", "int", lambda q: q.day - q.last.c.last_delivery),
    Column("deliveries", "Entregas en el periodo", "int", lambda q: func.coalesce(q.in_period.c.deliveries, 0)),
    Column(
        "households_served",
        "Familias atendidas en el periodo",
        "int",
        lambda q: cast(func.coalesce(q.in_period.c.households_served, 0), Integer),
    ),
    *territory_tail(
        located=True, updated=lambda q: func.greatest(cast(Clap.created_at, Date), q.last.c.last_delivery)
    ),
)


def _claps(params: LayerParams, geometry: str) -> Select:
    t = aliased(Territory, name="t")
    last_conds = [ClapDelivery.delivery_date <= params.date_to] if params.date_to else []
    if params.as_of is not None:  # no delivery after the day judged on counts as the last
        last_conds.append(ClapDelivery.delivery_date <= params.as_of)
    last = (
        select(ClapDelivery.clap_id, func.max(ClapDelivery.delivery_date).label("last_delivery"))
        .where(*last_conds)
        .group_by(ClapDelivery.clap_id)
        .subquery("last")
    )
    in_period = (
        select(
            ClapDelivery.clap_id,
            func.count().label("deliveries"),
            func.sum(ClapDelivery.households_served).label("households_served"),
        )
        .where(_period(ClapDelivery.delivery_date, params))
        .group_by(ClapDelivery.clap_id)
        .subquery("in_period")
    )
    geom = _point(Clap.geom, _territory_point(t))
    days_since = _day(params) - last.c.last_delivery
    conds = [
        _territory_condition(params, t.path),
        _records_in_box(params, Clap, Clap.territory_id),
        _bbox_condition(params, geom),
    ]
    if (v := _values(params, "min_days_without_delivery")) is not None:
        if not all(x.strip().isdigit() for x in v):
            raise LayerError("El filtro «min_days_without_delivery» espera un número entero de días.")
        conds.append(or_(last.c.last_delivery.is_(None), days_since >= min(int(x) for x in v)))
    return (
        select(
            *select_columns(CLAP_COLUMNS, record=Clap, t=t, day=_day(params), last=last, in_period=in_period),
            geom.label("geom"),
        )
        .select_from(Clap)
        .join(t, t.id == Clap.territory_id)
        .outerjoin(last, last.c.clap_id == Clap.id)
        .outerjoin(in_period, in_period.c.clap_id == Clap.id)
        .where(*conds)
        .order_by(Clap.code)
    )


register(
    Layer(
        id="claps",
        title="CLAP",
        geometry_type="Point",
        level=None,
        fields=CLAP_COLUMNS,
        style=Style(color="#756bb1", radius=5, single_label="CLAP", marker="D"),
        popup=("name", "households", "last_delivery", "days_since_delivery", "territory_name"),
        filters=(FilterDef("min_days_without_delivery", "Días sin entrega (mínimo)"),),
        builder=_claps,
        description="Comités Locales de Abastecimiento y Producción con su última entrega.",
        date_field="updated_on",
        period_field="last_delivery",
        min_zoom=5,
    )
)
