"""A load on a pooled session that already used a temporary table at another
`temp_buffers` (PostgreSQL then refuses a new value): the load runs at that size instead
of failing, as it did when `bench.load` loaded cases after polygons."""

from __future__ import annotations

from sqlalchemy import text

from etl.load import load_file
from geodata.database import make_engine
from tests.etl_builders import scalar, with_tree, write_cases


def test_a_load_on_a_session_that_used_temp_tables_already(db_url, tmp_path):
    engine = make_engine(db_url, pool_size=1, max_overflow=0)  # one session, reused
    try:
        with_tree(engine)
        with engine.begin() as conn:  # a temp table at the default size, long dropped
            conn.execute(text("CREATE TEMP TABLE scratch (n int) ON COMMIT DROP"))
            conn.execute(text("INSERT INTO scratch SELECT generate_series(1, 100)"))
        with engine.connect() as conn:
            assert conn.execute(text("SHOW temp_buffers")).scalar() == "8MB"
        path = tmp_path / "cases.csv"
        write_cases(path, 50)
        result = load_file(engine, "case", path)
        assert result.inserted == 50 and result.rejected == 0
        assert scalar(engine, 'SELECT count(*) FROM case_report') == 50
        # The second load on the same session, which the first one's temp tables marked too.
        write_cases(path, 60, prefix="L")
        assert load_file(engine, "case", path).inserted == 60
    finally:
        engine.dispose()
