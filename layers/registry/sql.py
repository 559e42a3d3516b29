"""The SQL pieces every layer's query shares: the territory subtree and scope, the box,
the period, the day records are judged on, a record's point (its own or its territory's),
a territory's polygon, and vocabulary codes turned into Spanish labels."""

from __future__ import annotations

from collections.abc import Mapping

from geoalchemy2 import Geometry
from sqlalchemy import Date, and_, case, cast, func, or_, select, true
from sqlalchemy.orm import aliased

from geodata.models import Territory
from geodata.territory import normalise_code
from layers.registry.params import LayerParams

SRID = 4326


def _territory_condition(params: LayerParams, path_column):
    """The subtree of the territory asked for, and the scope, on a territory path column."""
    conds = [params.scope.condition(path_column)]
    # `geodata.territory.subtree_condition`'s prefix test, on the aliased column each query joins.
    if params.territory_path is not None:
        conds.append(path_column.startswith(params.territory_path, autoescape=True))
    elif params.territory is not None:
        # Not resolved beforehand: look the path up in the query itself.
        root = select(Territory.path).where(Territory.code == normalise_code(params.territory)).scalar_subquery()
        conds.append(func.starts_with(path_column, root))
    return and_(*conds)


def _bbox_condition(params: LayerParams, geom):
    if params.bbox is None:
        return true()
    minx, miny, maxx, maxy = params.bbox
    return func.ST_Intersects(geom, func.ST_MakeEnvelope(minx, miny, maxx, maxy, SRID))


def _records_in_box(params: LayerParams, model, territory_fk):
    """An index-friendly prefilter for records placed at their own point or, lacking one, at
    their territory's: the ids found through either spatial index (the exact test follows)."""
    if params.bbox is None:
        return true()
    minx, miny, maxx, maxy = params.bbox
    box = func.ST_MakeEnvelope(minx, miny, maxx, maxy, SRID)
    placed = aliased(Territory)
    own = select(model.id).where(model.geom.op("&&")(box))
    borrowed = (
        select(model.id)
        .join(placed, placed.id == territory_fk)
        .where(model.geom.is_(None), or_(placed.geom.op("&&")(box), placed.label_point.op("&&")(box)))
    )
    return model.id.in_(own.union_all(borrowed))


def _label(mapping: Mapping[str, str], column):
    return case(dict(mapping), value=column, else_=column)


def _point(*candidates):
    return func.coalesce(*candidates, type_=Geometry("POINT", srid=SRID))


def _territory_point(t):
    return func.coalesce(t.label_point, func.ST_PointOnSurface(t.geom), type_=Geometry("POINT", srid=SRID))


def _period(column, params: LayerParams):
    conds = []
    if params.date_from:
        conds.append(column >= params.date_from)
    if params.date_to:
        conds.append(column <= params.date_to)
    return and_(true(), *conds)


def _day(params: LayerParams):
    """The day records are judged on: `params.as_of`, or today in the database."""
    return func.current_date() if params.as_of is None else cast(params.as_of, Date)


def territory_polygon(t, geometry: str):
    """A territory's boundary: the generalised one for low-zoom tiles (`display`), else the full one."""
    if geometry == "display":
        return func.coalesce(t.geom_display, t.geom, type_=Geometry("MULTIPOLYGON", srid=SRID))
    return t.geom

