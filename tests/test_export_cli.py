"""`sala layers` and `sala export` as a planner runs them (a real subprocess against the test database)."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pyogrio
import pytest

from tests.layers_records import add_records

SALA = [sys.executable, "-m", "dashboard.cli"]


def sala(env, *args):
    return subprocess.run([*SALA, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def env(engine, cli_env):
    with engine.begin() as conn:
        add_records(conn)
    return cli_env


def test_sala_layers_lists_ids_titles_and_geometry(env):
    result = sala(env, "layers")
    assert result.returncode == 0, result.stderr
    for expected in ("states", "Estados", "MultiPolygon", "cases", "Casos 1x10", "Point", "agreements"):
        assert expected in result.stdout


def test_sala_export_with_territory_period_filters_and_crs(env, tmp_path):
    out = tmp_path / "casos.gpkg"
    result = sala(env, "export", "cases", "--territory", "0101", "--from", "01/03/2025", "--to", "2025-12-31",
                  "--filter", "status=reported,in_progress", "-o", str(out), "--crs", "32619")
    assert result.returncode == 0, result.stderr
    frame = pyogrio.read_dataframe(out)
    assert sorted(frame["code"]) == ["C-001", "C-002"]
    assert frame.crs.to_epsg() == 32619
    shp = tmp_path / "parroquias.zip"
    assert sala(env, "export", "parishes", "-t", "0101", "--format", "shp", "-o", str(shp)).returncode == 0
    assert "parishes.prj" in zipfile.ZipFile(shp).namelist()
    pdf = tmp_path / "mapa.pdf"
    result = sala(env, "export", "projects", "-t", "01", "--round", "2025-1", "-o", str(pdf), "--paper", "A3")
    assert result.returncode == 0, result.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Proyectos comunales (ACA)" in text


def test_sala_export_pack(env, tmp_path):
    out = tmp_path / "paquete.zip"
    result = sala(env, "export", "pack", "--territory", "0101", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "plan_0101.pdf" in zipfile.ZipFile(out).namelist()


def test_sala_export_errors(env, tmp_path):
    out = tmp_path / "x.geojson"
    unknown_layer = sala(env, "export", "rivers", "-o", str(out))
    assert unknown_layer.returncode == 2 and "Capa desconocida" in unknown_layer.stderr
    unknown_territory = sala(env, "export", "cases", "-t", "8888", "-o", str(out))
    assert unknown_territory.returncode == 2 and "Territorio desconocido" in unknown_territory.stderr
    bad_date = sala(env, "export", "cases", "--from", "31/02/2025", "-o", str(out))
    assert bad_date.returncode == 2 and "Fecha inválida" in bad_date.stderr
    bad_filter = sala(env, "export", "cases", "-f", "status=perdido", "-o", str(out))
    assert bad_filter.returncode == 2 and "Valor inválido" in bad_filter.stderr
    no_format = sala(env, "export", "cases", "-o", str(tmp_path / "x.doc"))
    assert no_format.returncode == 2 and "--format" in no_format.stderr
    too_big = sala({**env, "SALA_EXPORT_MAX_FEATURES": "2"}, "export", "cases", "-o", str(out))
    assert too_big.returncode == 1 and "el máximo es 2" in too_big.stderr
    assert list(tmp_path.iterdir()) == []
