"""The benchmarks still run: bench.views and bench.exports in their quick form on the
small demo, each printing its side-by-side lines and a closing ratio. No timing is
asserted (speed targets live in bench/, as ratios against a peer)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import ROOT

RATIO = re.compile(r"^ratio=\d+\.\d+", re.MULTILINE)


def _run(module: str, url: str) -> str:
    done = subprocess.run([sys.executable, "-m", module, "--quick"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "SALA_DATABASE_URL": url}, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_views_benchmark_prints_each_level_beside_the_naive_path(demo_url):
    out = _run("bench.views", demo_url)
    for level in ("country", "state 15", "municipality 0101", "parish", "commune", "council"):
        assert re.search(rf"^{level}\b.*SQL statements cold, \d+ of them territory lookups$", out, re.MULTILINE), out
    assert len(re.findall(r"ours/naive +\d+\.\d\d", out)) == 12, out  # cold and warm per level
    assert "cold p95 over 12 view calls" in out
    assert RATIO.search(out), out


def test_exports_benchmark_prints_every_export_beside_ogr2ogr(demo_url):
    out = _run("bench.exports", demo_url)
    for label in ("national councils CSV", "Libertador cases GPKG", "Libertador cases KML", "Libertador cases XLSX"):
        assert re.search(rf"{label} \([\d,]+\) +ours .* ogr2ogr .* ours/ogr2ogr +\d+\.\d\d", out), out
    assert RATIO.search(out), out
