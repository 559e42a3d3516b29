"""The database a benchmark runs against: SALA_BENCH_DATABASE_URL, or a throwaway
embedded cluster started with the same code as `sala db up` (as the tests do), so a
benchmark never touches real data."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def bench_database(prefix: str = "sala-bench-") -> Iterator[str]:
    """Yield a migrated database URL; a throwaway cluster is stopped and removed afterwards."""
    from geodata.database import embedded_cluster
    from geodata.service import bring_up
    from geodata.settings import Settings

    url = os.environ.get("SALA_BENCH_DATABASE_URL")
    if url:
        bring_up(Settings(database_url=url, _env_file=None))
        yield url
        return
    data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    data_dir.chmod(0o755)  # the server user (postgres, when root) must pass through it
    settings = Settings(database_url=None, data_dir=data_dir, db_port=0, _env_file=None)
    cluster = embedded_cluster(settings)
    try:
        yield bring_up(settings)
    finally:
        cluster.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
