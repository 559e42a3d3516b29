"""`sala db` against an external database (SALA_DATABASE_URL): nothing started, schema checked."""

import subprocess
import sys
from pathlib import Path

from geodata import migrate

SALA = str(Path(sys.executable).with_name("sala"))


def run(args, env):
    return subprocess.run([SALA, *args], env=env, capture_output=True, text=True, timeout=120)


def test_db_up_and_status_with_external_url(cli_env):
    up = run(["db", "up"], cli_env)
    assert up.returncode == 0, up.stderr
    assert "Base de datos lista" in up.stdout
    status = run(["db", "status"], cli_env)
    assert status.returncode == 0, status.stderr
    assert "PostGIS 3." in status.stdout
    assert migrate.head_revision() in status.stdout and "al día" in status.stdout
    assert "***" in status.stdout  # password hidden


def test_db_migrate_down_and_up(cli_env):
    down = run(["db", "migrate", "--down", "1"], cli_env)
    assert down.returncode == 0, down.stderr
    assert migrate.head_revision() not in down.stdout
    up = run(["db", "migrate"], cli_env)
    assert migrate.head_revision() in up.stdout


def test_unreachable_external_database_is_a_clear_error(cli_env):
    env = dict(cli_env, SALA_DATABASE_URL="postgresql://nobody:x@127.0.0.1:1/nothing")
    result = run(["db", "up"], env)
    assert result.returncode == 1
    assert "SALA_DATABASE_URL" in result.stderr
