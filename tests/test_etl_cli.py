"""`sala load`: exit codes 0 / 1 / 2, the Spanish summary, --report, --strict, --dry-run."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import SHARED_DATA
from tests.etl_builders import scalar, with_tree, write_csv


def sala(env, *args):
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], env=env, capture_output=True, text=True, timeout=300)


def test_load_states_with_nothing_else_then_report(engine, cli_env, tmp_path):
    report = tmp_path / "r.json"
    done = sala(cli_env, "load", "state", str(SHARED_DATA / "geoBoundaries-VEN-ADM1_simplified.geojson"), "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert "insertadas" in done.stdout and "25" in done.stdout
    data = json.loads(report.read_text())
    assert (data["kind"], data["inserted"], data["rejected"], data["rejects"]) == ("state", 25, 0, [])
    again = sala(cli_env, "load", "state", str(SHARED_DATA / "geoBoundaries-VEN-ADM1_simplified.geojson"), "--report", str(report))
    assert again.returncode == 0
    assert (json.loads(report.read_text())["inserted"], json.loads(report.read_text())["updated"]) == (0, 0)


def test_rejects_are_shown_and_exit_zero_strict_exit_one(engine, cli_env, tmp_path):
    with_tree(engine)
    path = write_csv(tmp_path / "c.csv", ["code", "name", "households", "territory_code"],
                     [["C1", "Uno", "10", "010101"], ["C2", "Dos", "-3", "010101"]])
    done = sala(cli_env, "load", "clap", str(path))
    assert done.returncode == 0
    assert "Primeros rechazos" in done.stdout and "households" in done.stdout
    report = tmp_path / "r.json"
    strict = sala(cli_env, "load", "clap", str(path), "--strict", "--report", str(report))
    assert strict.returncode == 1
    assert "No se cargó nada" in strict.stderr and "fila 2" in strict.stderr and str(path) in strict.stderr.replace("\n", "")
    assert [r["row"] for r in json.loads(report.read_text())["rejects"]] == [2]


def test_dry_run_writes_nothing(engine, cli_env, tmp_path):
    with_tree(engine)
    path = write_csv(tmp_path / "c.csv", ["code", "name", "households", "territory_code"], [["C1", "Uno", "10", "010101"]])
    done = sala(cli_env, "load", "clap", str(path), "--dry-run")
    assert done.returncode == 0 and "Simulación" in done.stdout
    assert scalar(engine, "SELECT count(*) FROM clap") == 0


@pytest.mark.parametrize(
    "args",
    [("load", "planet", "x.csv"), ("load", "clap", "x.csv", "--map", "nonsense"), ("load",)],
)
def test_usage_errors_exit_two(cli_env, tmp_path, args):
    path = write_csv(tmp_path / "x.csv", ["code", "name", "households", "territory_code"], [["C1", "Uno", "10", "0101"]])
    args = tuple(str(path) if a == "x.csv" else a for a in args)
    done = sala(cli_env, *args)
    assert done.returncode == 2, (done.stdout, done.stderr)


def test_unreadable_file_exits_one_naming_the_file(cli_env, tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{not json")
    done = sala(cli_env, "load", "parish", str(path))
    assert done.returncode == 1
    assert "broken.geojson" in done.stderr.replace("\n", "")
