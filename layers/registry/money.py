"""The money layers: communes and communal circuits with what was deposited to their
communal banks (`geodata.money.unit_money`), each bank with its amount, and the projects
advancing with no deposit. Registered like every layer, so the tables the room shows are
exportable (CSV, GeoJSON, XLSX…), tiled and in the OGC API."""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import Float, Integer, cast, func, select
from sqlalchemy.orm import aliased

from geodata.models import Territory
from geodata.money import unit_money
from layers.registry.catalogue import register
from layers.registry.columns import TERRITORY_OWN_TAIL, named_with_parent
from layers.registry.params import LayerParams
from layers.registry.spec import Column, Layer, Style, select_columns
from layers.registry.sql import SRID, _bbox_condition, _territory_condition, territory_polygon

# `q.m`: the unit's money (`geodata.money.unit_money`).
MONEY_COLUMNS = (
    Column("projects", "Proyectos", "int", lambda q: cast(func.coalesce(q.m.c.projects, 0), Integer)),
    Column("budget_approved", "Presupuesto aprobado (Bs.)", "float", lambda q: cast(func.coalesce(q.m.c.budget_approved, 0), Float)),
    Column("deposits", "Depósitos", "int", lambda q: cast(func.coalesce(q.m.c.deposits, 0), Integer)),
    Column("deposited", "Depositado (Bs.)", "float", lambda q: cast(func.coalesce(q.m.c.deposited, 0), Float)),
    Column("bank_count", "Bancos comunales", "int", lambda q: cast(func.coalesce(q.m.c.bank_count, 0), Integer)),
    Column("banks", "Bancos comunales y montos", "str", lambda q: q.m.c.banks),
    Column("projects_without_deposit", "Proyectos que avanzan sin depósito", "int",
           lambda q: cast(func.coalesce(q.m.c.projects_without_deposit, 0), Integer)),
    *TERRITORY_OWN_TAIL,
)


def _money_columns(word: str) -> tuple[Column, ...]:
    return (*named_with_parent(f"Código ({word.lower()})", word), *MONEY_COLUMNS)


def _money_builder(unit: str, columns: tuple[Column, ...]):
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
            select(*select_columns(columns, record=t, t=t, parent=parent, m=m), geom.label("geom"))
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
            fields=(_columns := _money_columns(_word)),
            style=Style(color="#31a354", line_color="#006d2c", fill_opacity=0.3, single_label=_title),
            popup=("name", "projects", "deposited", "banks", "projects_without_deposit"),
            filters=(),
            builder=_money_builder(_unit, _columns),
            description=f"{_title}: lo depositado a los bancos comunales para los proyectos de cada "
            f"{_word.lower()}, por banco, y los proyectos que avanzan sin depósito registrado.",
            date_field="updated_on",
            min_zoom=5,
        )
    )
