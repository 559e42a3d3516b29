"""Bringing the database up and describing it: what `sala db` and the test session share."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect, text
from sqlalchemy.pool import NullPool

from geodata import migrate
from geodata.database import DatabaseError, embedded_cluster, ensure_database, make_engine, target_label
from geodata.models import Base
from geodata.settings import Settings, get_settings


def bring_up(settings: Settings | None = None) -> str:
    """Start (embedded) or check (external) the database, migrate it to head; return its URL."""
    settings = settings or get_settings()
    if settings.database_url:
        url = settings.database_url
        try:
            ensure_database(url)
        except DatabaseError:
            raise  # already says what to do
        except Exception as exc:  # the driver's message is the useful part
            raise DatabaseError(
                f"no se puede conectar con SALA_DATABASE_URL ({target_label(url)}): {exc}. "
                "Revise la URL, que el servidor esté en marcha y que el usuario pueda conectarse."
            ) from exc
    else:
        cluster = embedded_cluster(settings)
        cluster.start()
        url = cluster.url()
        ensure_database(url)
    migrate.upgrade(url)
    return url


@dataclass
class DatabaseStatus:
    url: str
    postgres_version: str
    postgis_version: str
    revision: str | None
    head: str
    row_counts: dict[str, int]

    @property
    def up_to_date(self) -> bool:
        return self.revision == self.head


def describe(url: str) -> DatabaseStatus:
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            pg = conn.execute(text("SHOW server_version")).scalar()
            postgis = conn.execute(text("SELECT postgis_full_version()")).scalar().split('"')[1]
            present = set(inspect(conn).get_table_names())
            counts = {}
            for table in Base.metadata.sorted_tables:
                if table.name in present:
                    counts[table.name] = conn.execute(
                        text(f'SELECT count(*) FROM "{table.name}"')  # our own table names, not input
                    ).scalar()
    finally:
        engine.dispose()
    return DatabaseStatus(
        url=target_label(url),
        postgres_version=pg,
        postgis_version=postgis,
        revision=migrate.current_revision(url),
        head=migrate.head_revision(),
        row_counts=counts,
    )
