from alembic import command
from sqlalchemy import inspect, text

from geodata import migrate
from geodata.database import make_engine
from geodata.models import Base
from tests.conftest import create_database_from, drop_database


def test_template_is_at_head(template_url):
    assert migrate.current_revision(template_url) == migrate.head_revision()


def test_empty_database_migrates_to_head_and_back(template_url):
    """empty → head → one step down → head, on a database with only PostGIS in it."""
    url = create_database_from(template_url, "t_migrations_empty")
    try:
        migrate.downgrade(url, "base")
        engine = make_engine(url)
        with engine.connect() as conn:
            ours = set(inspect(conn).get_table_names()) & set(Base.metadata.tables)
        assert ours == set()
        migrate.upgrade(url)
        assert migrate.current_revision(url) == migrate.head_revision()
        with engine.connect() as conn:
            assert set(Base.metadata.tables) <= set(inspect(conn).get_table_names())
        migrate.downgrade(url, "-1")
        assert migrate.current_revision(url) != migrate.head_revision()
        migrate.upgrade(url)
        assert migrate.current_revision(url) == migrate.head_revision()
        engine.dispose()
    finally:
        drop_database(url)


def test_models_and_migrations_agree(db_url):
    """Autogenerate finds nothing to do: the models are what the migrations build."""
    command.check(migrate.alembic_config(db_url))


def test_spatial_and_drilldown_indexes_exist(engine):
    with engine.connect() as conn:
        indexes = {
            row.indexname: row.indexdef
            for row in conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"))
        }
    gist = {name for name, definition in indexes.items() if "USING gist" in definition}
    assert {"idx_territory_geom", "idx_case_report_geom", "idx_project_geom", "idx_clap_geom"} <= gist
    assert "text_pattern_ops" in indexes["ix_territory_path"]
    assert "ix_case_report_territory_id_reported_date" in indexes
