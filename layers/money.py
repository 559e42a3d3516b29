"""The money layers: communes and communal circuits with what was deposited to their
communal banks (`geodata.money.unit_money`), each bank with its amount, and the projects
advancing with no deposit. Registered like every layer, so the tables the room shows are
exportable (CSV, GeoJSON, XLSX…), tiled and in the OGC API."""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import Date, Float, Integer, cast, func, select
from sqlalchemy.orm import aliased

from geodata.models import Territory
from geodata.money import unit_money
from layers.registry import (
    SRID,
    Field,
    Layer,
    LayerParams,
    Style,
    _bbox_condition,
    _territory_condition,
    named_with_parent,
    register,
    territory_polygon,
)


def _money_builder(unit: str):
    def build(params: LayerParams, geometry: str):
        t = aliased(Territory, name="t")
        parent = aliased(Territory, name="parent")
        m = unit_money(unit)
        geom = territory_polygon(t, geometry)
        if unit == "circuit":
            # A circuit loaded without a boundary is drawn as the union of its communes.
            c = aliased(Territory, name="c")
            union = select(func.ST_Multi(func.ST_Union(c.geom))).where(c.circuit_id == t.id).scalar_subquery()
            geom = func.coalesce(geom, union, type_=Geometry("MULTIPOLYGON", srid=SRID))
        return (
            select(
                *named_with_parent(t, parent),
                cast(func.coalesce(m.c.projects, 0), Integer).label("projects"),
                cast(func.coalesce(m.c.budget_approved, 0), Float).label("budget_approved"),
                cast(func.coalesce(m.c.deposits, 0), Integer).label("deposits"),
                cast(func.coalesce(m.c.deposited, 0), Float).label("deposited"),
                cast(func.coalesce(m.c.bank_count, 0), Integer).label("bank_count"),
                m.c.banks.label("banks"),
                cast(func.coalesce(m.c.projects_without_deposit, 0), Integer).label("projects_without_deposit"),
                t.is_demo.label("is_demo"),
                cast(t.updated_at, Date).label("updated_on"),
                geom.label("geom"),
            )
            .select_from(t)
            .outerjoin(parent, parent.id == t.parent_id)
            .outerjoin(m, m.c.unit_code == t.code)
            .where(t.level == unit, _territory_condition(params, t.path), _bbox_condition(params, t.geom))
            .order_by(t.code)
        )

    return build


for _id, _unit, _title, _word in (
    ("money_communes", "commune", "Depósitos por comuna", "Comuna"),
    ("money_circuits", "circuit", "Depósitos por circuito comunal", "Circuito comunal"),
):
    register(
        Layer(
            id=_id,
            title=_title,
            geometry_type="MultiPolygon",
            level=None,
            fields=(
                Field("code", f"Código ({_word.lower()})", "str"),
                Field("name", _word, "str"),
                Field("parent_code", "Código del nivel superior", "str"),
                Field("parent_name", "Nivel superior", "str"),
                Field("projects", "Proyectos", "int"),
                Field("budget_approved", "Presupuesto aprobado (Bs.)", "float"),
                Field("deposits", "Depósitos", "int"),
                Field("deposited", "Depositado (Bs.)", "float"),
                Field("bank_count", "Bancos comunales", "int"),
                Field("banks", "Bancos comunales y montos", "str"),
                Field("projects_without_deposit", "Proyectos que avanzan sin depósito", "int"),
                Field("is_demo", "Datos de demostración", "bool"),
                Field("updated_on", "Actualizado", "date"),
            ),
            style=Style(color="#31a354", line_color="#006d2c", fill_opacity=0.3, single_label=_title),
            popup=("name", "projects", "deposited", "banks", "projects_without_deposit"),
            filters=(),
            builder=_money_builder(_unit),
            description=f"{_title}: lo depositado a los bancos comunales para los proyectos de cada "
            f"{_word.lower()}, por banco, y los proyectos que avanzan sin depósito registrado.",
            date_field="updated_on",
            min_zoom=5,
        )
    )
