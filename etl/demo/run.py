"""Generate the demo, write it as files and load them through the ETL, measuring each step."""

from __future__ import annotations

import datetime as dt
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl.demo.cabinet import generate_agreements
from etl.demo.cases import Patterns, generate_cases
from etl.demo.clap import generate_claps
from etl.demo.config import get_scale
from etl.demo.files import LOAD_ORDER, write_files
from etl.demo.projects import generate_projects
from etl.demo.reference import read_reference
from etl.demo.territory import build_territory


@dataclass
class DemoData:
    """Every generated kind as a frame (canonical columns plus internal ones), and what was planted."""

    scale: str
    seed: int
    today: dt.date
    frames: dict[str, pd.DataFrame]
    patterns: Patterns
    clap_left_behind: list[str]
    seconds: float

    def counts(self) -> dict[str, int]:
        return {kind: len(self.frames[kind]) for kind in LOAD_ORDER if kind in self.frames}


@dataclass
class DemoSummary:
    """What `sala demo` did: counts generated and loaded per kind, times and peak memory."""

    scale: str
    seed: int
    today: dt.date
    out_dir: Path | None
    generated: dict[str, int]
    loaded: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    generate_seconds: float = 0.0
    write_seconds: float = 0.0
    load_seconds: float = 0.0
    peak_memory_mb: float = 0.0
    patterns: Patterns | None = None
    clap_left_behind: list[str] = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        return self.generate_seconds + self.write_seconds + self.load_seconds


def peak_memory_mb() -> float:
    """Peak resident memory of this process plus the largest waited-for child, in MiB (Linux: KiB units)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def generate_demo(scale: str = "small", seed: int = 1, today: dt.date | None = None) -> DemoData:
    """The whole demo in memory. Same scale, seed and today → the same data."""
    started = time.perf_counter()
    today = today or dt.date.today()
    config = get_scale(scale)
    full = read_reference()
    reference = read_reference(config.states) if config.states else full
    share = float(reference.municipalities["population"].sum() / full.municipalities["population"].sum())
    t = build_territory(reference, full, config, seed)
    projects, deposits = generate_projects(t, config, share, seed, today)
    claps, deliveries, behind = generate_claps(t, config, share, seed, today)
    agreements = generate_agreements(t, projects, config, seed, today)
    cases, patterns = generate_cases(t, projects, agreements, config, share, seed, today)
    frames = {
        "state": t.states,
        "municipality": t.municipalities,
        "parish": t.parishes,
        "circuit": t.circuits,
        "commune": t.communes,
        "council": t.councils,
        "project": projects,
        "deposit": deposits,
        "clap": claps,
        "clap-delivery": deliveries,
        "agreement": agreements,
        "case": cases,
    }
    return DemoData(scale, seed, today, frames, patterns, behind, time.perf_counter() - started)


def load_demo(
    engine,
    scale: str = "small",
    seed: int = 1,
    out_dir: str | Path | None = None,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Generate the demo, write it to `out_dir` (a temporary folder, removed after, when None)
    and load every file with the ETL (`etl.load.load_file`, marked as demo), then refresh once.
    """
    from etl.load import load_file, refresh_after_load

    say = progress or (lambda message: None)
    data = generate_demo(scale, seed, today)
    summary = DemoSummary(scale, seed, data.today, Path(out_dir) if out_dir else None, data.counts(),
                          generate_seconds=data.seconds, patterns=data.patterns, clap_left_behind=data.clap_left_behind)
    say(f"generado en {data.seconds:.1f} s")
    folder = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="sala-demo-"))
    try:
        started = time.perf_counter()
        files = write_files(data.frames, folder)
        summary.write_seconds = time.perf_counter() - started
        say(f"archivos escritos en {folder} ({summary.write_seconds:.1f} s)")
        del data
        started = time.perf_counter()
        for kind, path in files.items():
            t0 = time.perf_counter()
            result = load_file(engine, kind, path, is_demo=True, refresh=False)
            summary.loaded[kind] = _count(result, "inserted") + _count(result, "updated") + _count(result, "unchanged")
            summary.rejected[kind] = _count(result, "rejected")
            say(f"{kind}: {summary.loaded[kind]:,} cargados, {summary.rejected[kind]:,} rechazados ({time.perf_counter() - t0:.1f} s)")
        refresh_after_load(engine, set(files))
        summary.load_seconds = time.perf_counter() - started
    finally:
        if out_dir is None:
            shutil.rmtree(folder, ignore_errors=True)
    summary.peak_memory_mb = peak_memory_mb()
    return summary


def _count(result, name: str) -> int:
    value = getattr(result, name, None)
    if value is None and isinstance(result, dict):
        value = result.get(name)
    return int(value or 0)
