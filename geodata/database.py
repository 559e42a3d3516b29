"""Engines and connections: the embedded cluster by default, any PostGIS with SALA_DATABASE_URL."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.pool import NullPool

from geodata import errors as sala_errors
from geodata.embedded import EmbeddedError, EmbeddedPostgres
from geodata.settings import Settings, get_settings

# A request while the server is down fails at once (connection refused); one whose server
# accepts the connection but never answers (stopped, overloaded, a dead network path)
# gives up after this many seconds instead of holding a request thread.
CONNECT_TIMEOUT = 5
# SQLSTATEs that mean "the server is not there right now", not "this statement is wrong":
# connection exceptions (class 08), and the server shutting down, crashing or starting up.
_UNAVAILABLE_STATES = ("57P01", "57P02", "57P03")


class DatabaseError(sala_errors.Unavailable, RuntimeError):
    """The database cannot be reached or is not ready; the message names the fix."""


def unreachable(reason: object) -> DatabaseError:
    """The commands' error for a database that does not answer, with the driver's reason."""
    return DatabaseError(f"no se puede conectar con la base de datos ({reason}); ejecute `sala db up`.")


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached now (down, restarting, not yet
    started), as opposed to a fault of the statement: worth a 503 and a retry."""
    if isinstance(exc, EmbeddedError):
        return True  # the embedded server is not running (or cannot start)
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", None)
    if state is None:
        # The driver failed before the server said anything: refused, timed out, closed.
        return isinstance(exc, OperationalError | InterfaceError)
    return state.startswith("08") or state in _UNAVAILABLE_STATES


def embedded_cluster(settings: Settings | None = None) -> EmbeddedPostgres:
    settings = settings or get_settings()
    return EmbeddedPostgres(settings.cluster_dir, port=settings.db_port)


def database_url(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    if settings.database_url:
        return settings.database_url
    return embedded_cluster(settings).url()


def make_engine(url: str, **kwargs) -> Engine:
    """An engine with the pool settings Sala uses everywhere."""
    url_obj = make_url(url)
    if url_obj.drivername in ("postgresql", "postgres"):
        url_obj = url_obj.set(drivername="postgresql+psycopg")
    if url_obj.drivername.startswith("postgresql") and "connect_timeout" not in url_obj.query:
        kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT, **kwargs.get("connect_args", {})}
    # Every checkout pings the connection first: after a database restart the pooled
    # connections are dead, the first ping finds it out and the pool reconnects them all.
    kwargs.setdefault("pool_pre_ping", True)
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 5)
        kwargs.setdefault("max_overflow", 10)
    return create_engine(url_obj, **kwargs)


@lru_cache
def _cached_engine(url: str, statement_timeout: float = 0) -> Engine:
    if not statement_timeout:
        return make_engine(url)
    # A web read that runs longer than this is cancelled by the server itself: a request
    # thread (or a browser that went away) never leaves a runaway query holding a core.
    options = f"-c statement_timeout={int(statement_timeout * 1000)}"
    return make_engine(url, connect_args={"options": options})


def get_engine(settings: Settings | None = None) -> Engine:
    """The application's engine (one per URL per process): every write, and the reads of
    the command line, the loads and the export jobs."""
    return _cached_engine(database_url(settings))


def read_url(settings: Settings | None = None) -> str:
    """Where the web server reads: the standbys of SALA_READ_DATABASE_URL in their order,
    then the primary, as one multi-host URL with `target_session_attrs=prefer-standby`.
    libpq (through psycopg) takes the first standby that answers, and the primary when
    none does, so a read falls back by itself when a standby is down; a pooled connection
    to a standby that went away fails its pre-ping and is replaced the same way."""
    settings = settings or get_settings()
    primary = make_url(database_url(settings))
    standbys = [make_url(url) for url in settings.read_database_urls]
    if not standbys:
        return primary.render_as_string(hide_password=False)
    for standby in standbys:
        if (standby.username, standby.password, standby.database) != (primary.username, primary.password, primary.database):
            raise DatabaseError(
                f"SALA_READ_DATABASE_URL: {target_label(standby.render_as_string(hide_password=False))} no usa el mismo "
                "usuario, contraseña y base de datos que la base principal (una réplica en streaming los comparte)"
            )
    hosts = tuple(f"{url.host or '127.0.0.1'}:{url.port or 5432}" for url in [*standbys, primary])
    query = {key: value for key, value in primary.query.items() if key not in ("host", "port")}
    url = URL.create(primary.drivername, primary.username, primary.password, database=primary.database,
                     query={**query, "host": hosts, "target_session_attrs": "prefer-standby"})
    return url.render_as_string(hide_password=False)


def get_read_engine(settings: Settings | None = None) -> Engine:
    """The web server's engine for reads (dashboard, tiles, OGC, exports): the standbys
    first (`read_url`), every statement bounded by SALA_READ_STATEMENT_TIMEOUT."""
    settings = settings or get_settings()
    return _cached_engine(read_url(settings), settings.read_statement_timeout)


def is_standby(conn: Connection) -> bool:
    return bool(conn.execute(text("SELECT pg_is_in_recovery()")).scalar())


def ensure_database(url: str) -> None:
    """Create the database named in `url` (if missing) and the postgis extension in it."""
    target = make_url(url)
    admin = make_engine(target.set(database="postgres").render_as_string(hide_password=False), poolclass=NullPool)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).scalar()
            if not exists:
                # Identifiers cannot be bound parameters; quote it the server's way.
                quoted = conn.execute(text("SELECT quote_ident(:name)"), {"name": target.database}).scalar()
                conn.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        admin.dispose()
    ensure_postgis(url)


def ensure_postgis(url: str) -> None:
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            available = conn.execute(
                text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
            ).scalar()
            if not available:
                raise DatabaseError(
                    f"PostGIS no está instalado en el servidor de {target_label(url)}: "
                    "instale el paquete postgis de esa versión del servidor (p. ej. postgresql-15-postgis-3)"
                )
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    finally:
        engine.dispose()


def target_label(url: str) -> str:
    """The URL with its password hidden, for messages and `sala db status`."""
    return make_url(url).render_as_string(hide_password=True)


def ping(engine: Engine) -> None:
    """Raise unless the database answers a trivial query (the health endpoint's check)."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def is_superuser(conn: Connection) -> bool:
    """Whether this session's role may skip foreign-key triggers (session_replication_role)."""
    return bool(conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar())
