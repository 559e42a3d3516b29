"""Small helpers that put a known territory tree into a test database."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from geodata.models import Territory
from geodata.territory import rebuild_paths

SQUARE = "MULTIPOLYGON((({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0})))"


def square(x0: float, y0: float, size: float) -> str:
    return "SRID=4326;" + SQUARE.format(x0=x0, y0=y0, x1=x0 + size, y1=y0 + size)


def add_territory(conn: Connection, level: str, code: str, name: str, parent: str | None = None, geom=None, **extra) -> int:
    parent_id = conn.execute(select(Territory.id).where(Territory.code == parent)).scalar_one() if parent else None
    return conn.execute(
        insert(Territory)
        .values(level=level, code=code, name=name, parent_id=parent_id, geom=geom, **extra)
        .returning(Territory.id)
    ).scalar_one()


def small_tree(conn: Connection) -> None:
    """Distrito Capital › Libertador › two parishes, a commune and councils; Miranda beside it."""
    add_territory(conn, "state", "01", "Distrito Capital", iso_code="VE-A", geom=square(-67.0, 10.4, 0.2))
    add_territory(conn, "municipality", "0101", "Libertador", "01", geom=square(-67.0, 10.4, 0.2))
    add_territory(conn, "parish", "010101", "Altagracia", "0101", geom=square(-67.0, 10.4, 0.1))
    add_territory(conn, "parish", "010102", "Antímano", "0101", geom=square(-66.9, 10.4, 0.1))
    add_territory(conn, "circuit", "0101C01", "Circuito Caracas Norte", "0101")
    add_territory(conn, "commune", "01010101", "Comuna El Panal", "010101", geom=square(-67.0, 10.4, 0.05))
    add_territory(conn, "council", "0101010101", "CC La Pastora", "01010101", geom=square(-67.0, 10.4, 0.02))
    add_territory(conn, "council", "0101010102", "CC Catuche", "010101", geom=square(-66.97, 10.45, 0.02))
    add_territory(conn, "state", "15", "Miranda", iso_code="VE-M", geom=square(-66.8, 10.2, 0.5))
    add_territory(conn, "municipality", "1501", "Acevedo", "15", geom=square(-66.8, 10.2, 0.25))
    rebuild_paths(conn)


def territory_id(conn: Connection, code: str) -> int:
    return conn.execute(select(Territory.id).where(Territory.code == code)).scalar_one()


def point(lon: float, lat: float) -> str:
    """EWKT of a WGS84 point, as GeoAlchemy2 takes it in inserts."""
    return f"SRID=4326;POINT({lon} {lat})"
