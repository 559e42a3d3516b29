"""Generate the demo, write it as files and load them through the ETL, measuring each step.

`load_demo` overlaps the work: while PostGIS loads the territory and the first records,
this process generates and writes the next ones, so both cores of a small machine work.
"""

from __future__ import annotations

import datetime as dt
import queue
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from etl.demo.cabinet import generate_agreements
from etl.demo.team import generate_team
from etl.demo.cases import Patterns, generate_cases
from etl.demo.clap import generate_claps
from etl.demo.communal import generate_communal
from etl.demo.config import Scale, get_scale
from etl.demo.consultation import generate_consultation
from etl.demo.files import LOAD_ORDER, write_files
from etl.demo.projects import generate_projects
from etl.demo.reference import read_reference
from etl.demo.silence import choose_silent, silence_cases, silence_deliveries
from etl.demo.territory import Territories, build_territory


# Kinds the cases do not refer to, loaded beside them on a second connection, in their own
# order (a justice of the peace before the cases attended).
INDEPENDENT_KINDS = ("clap", "clap-delivery", "quadrant", "defense-plan", "business", "peace-judge", "peace-case",
                     "consultation-round")  # the rounds name projects, loaded before any of these


@dataclass
class DemoData:
    """Every generated kind as a frame (canonical columns plus internal ones), and what was planted."""

    scale: str
    seed: int
    today: dt.date
    frames: dict[str, pd.DataFrame]
    patterns: Patterns | None
    clap_left_behind: list[str]
    seconds: float

    def counts(self) -> dict[str, int]:
        return {kind: len(self.frames[kind]) for kind in LOAD_ORDER if kind in self.frames}


@dataclass
class DemoSummary:
    """What `sala demo` did: counts generated and loaded per kind, times and peak memory.

    `generate_seconds` and `write_seconds` partly overlap `load_seconds` (records are made
    while the territory loads); `total_seconds` is the wall time from start to end.
    """

    scale: str
    seed: int
    today: dt.date
    out_dir: Path | None
    generated: dict[str, int] = field(default_factory=dict)
    loaded: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    load_times: dict[str, float] = field(default_factory=dict)
    generate_seconds: float = 0.0
    write_seconds: float = 0.0
    load_seconds: float = 0.0
    refresh_seconds: float = 0.0
    total_seconds: float = 0.0
    peak_memory_mb: float = 0.0
    patterns: Patterns | None = None
    clap_left_behind: list[str] = field(default_factory=list)


def peak_memory_mb() -> float:
    """Peak resident memory of this process plus the largest waited-for child, in MiB (Linux: KiB units).

    An upper bound: a forked ETL worker shares its parent's pages, counted in both. The
    database server is not a child of this process; its memory is not included.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


@dataclass
class _Plan:
    config: Scale
    share: float
    territories: Territories


def _plan(scale: str, seed: int) -> _Plan:
    config = get_scale(scale)
    full = read_reference()
    reference = read_reference(config.states) if config.states else full
    share = float(reference.municipalities["population"].sum() / full.municipalities["population"].sum())
    return _Plan(config, share, build_territory(reference, full, config, seed))


def _territory_frames(t: Territories) -> dict[str, pd.DataFrame]:
    return {"state": t.states, "municipality": t.municipalities, "parish": t.parishes, "circuit": t.circuits,
            "commune": t.communes, "council": t.councils}


def _records(plan: _Plan, seed: int, today: dt.date, emit: Callable[[dict[str, pd.DataFrame]], None] | None = None):
    """The record kinds, in load order; `emit` receives each batch as soon as it exists (to write and load it
    while the next is generated). Returns (frames, patterns, CLAP municipalities left behind)."""
    t, config, share = plan.territories, plan.config, plan.share
    emit = emit or (lambda batch: None)
    # Cases (the longest load) as early as their links allow; CLAPs, which nothing refers
    # to, last: `load_demo` loads them beside the cases.
    projects, deposits = generate_projects(t, config, share, seed, today)
    emit({"project": projects, "deposit": deposits})
    agreements = generate_agreements(t, projects, config, seed, today)
    team = generate_team(t, agreements, seed, today)
    emit({"agreement": agreements, "followup-team": team})
    cases, patterns = generate_cases(t, projects, agreements, config, share, seed, today)
    # Some councils went quiet: nothing from them (cases, CLAP deliveries) after a day.
    quiet = choose_silent(t, projects, seed, today, spared_municipality=patterns.spike_municipality)
    patterns = replace(patterns, silent_councils=quiet)
    cases = silence_cases(cases, quiet)
    emit({"case": cases})
    claps, deliveries, behind = generate_claps(t, config, share, seed, today)
    deliveries = silence_deliveries(claps, deliveries, quiet)
    emit({"clap": claps, "clap-delivery": deliveries})
    communal = generate_communal(t, config, share, seed, today)
    emit(communal)
    rounds = generate_consultation(t, projects, seed, today)
    emit({"consultation-round": rounds})
    frames = {"project": projects, "deposit": deposits, "clap": claps, "clap-delivery": deliveries,
              "agreement": agreements, "followup-team": team, "case": cases, **communal, "consultation-round": rounds}
    return frames, patterns, behind


def generate_demo(scale: str = "small", seed: int = 1, today: dt.date | None = None) -> DemoData:
    """The whole demo in memory. Same scale, seed and today → the same data.

    The territory depends on the seed only; the records on the seed and `today`.
    """
    started = time.perf_counter()
    today = today or dt.date.today()
    plan = _plan(scale, seed)
    records, patterns, behind = _records(plan, seed, today)
    frames = {**_territory_frames(plan.territories), **records}
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

    Raises `etl.errors.LoadError` when a file cannot be loaded (the database keeps what
    was loaded before it; each load is atomic).
    """
    from etl.load import load_file, refresh_after_load

    say = progress or (lambda message: None)
    today = today or dt.date.today()
    if today > dt.date.today():
        # The loader refuses events in the future: a later "today" would lose records.
        raise ValueError(f"today ({today}) is after the real date ({dt.date.today()}): the ETL would reject its records")
    began = time.perf_counter()
    summary = DemoSummary(scale, seed, today, Path(out_dir) if out_dir else None)
    folder = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="sala-demo-"))
    try:
        started = time.perf_counter()
        plan = _plan(scale, seed)
        territory = _territory_frames(plan.territories)
        summary.generate_seconds += time.perf_counter() - started
        started = time.perf_counter()
        files = write_files(territory, folder)
        summary.write_seconds += time.perf_counter() - started
        say(f"territorio generado y escrito en {folder} ({time.perf_counter() - began:.1f} s)")

        # A producer thread generates the records and writes each file as soon as it exists;
        # this thread loads the files in order as they come (PostGIS works while Python generates).
        ready: queue.Queue = queue.Queue()
        clock = {"write": 0.0}

        def emit(batch: dict[str, pd.DataFrame]) -> None:
            t0 = time.perf_counter()
            for kind, path in write_files(batch, folder).items():
                ready.put((kind, path, len(batch[kind])))
            clock["write"] += time.perf_counter() - t0

        def produce():
            t0 = time.perf_counter()
            try:
                return _records(plan, seed, today, emit)
            finally:
                clock["all"] = time.perf_counter() - t0
                ready.put(None)

        def load(kind: str, path: Path) -> None:
            t0 = time.perf_counter()
            result = load_file(engine, kind, path, is_demo=True, refresh=False)
            summary.loaded[kind] = result.inserted + result.updated + result.unchanged
            summary.rejected[kind] = result.rejected
            summary.load_times[kind] = time.perf_counter() - t0
            say(f"{kind}: {summary.loaded[kind]:,} cargados, {summary.rejected[kind]:,} rechazados "
                f"({summary.load_times[kind]:.1f} s)")

        load_started = time.perf_counter()
        summary.generated = {kind: len(frame) for kind, frame in territory.items()}
        record_kinds: set[str] = set()
        side_loads = []
        with ThreadPoolExecutor(max_workers=1) as pool, ThreadPoolExecutor(max_workers=1) as side:
            pending = pool.submit(produce)
            for kind, path in files.items():
                load(kind, path)
            while (item := ready.get()) is not None:
                kind, path, count = item
                summary.generated[kind] = count
                record_kinds.add(kind)
                if kind in INDEPENDENT_KINDS:
                    # Nothing else refers to CLAPs: load them on a second connection, beside the cases.
                    side_loads.append(side.submit(load, kind, path))
                else:
                    load(kind, path)
            for future in side_loads:
                future.result()  # re-raises a load error
            _, patterns, behind = pending.result()  # re-raises a generation error
        summary.generate_seconds += clock["all"] - clock["write"]
        summary.write_seconds += clock["write"]
        summary.patterns, summary.clap_left_behind = patterns, behind
        # The state file is the real one, loaded whole (every state, not only the demo's).
        summary.generated["state"] = summary.loaded.get("state", len(territory["state"]))
        started = time.perf_counter()
        # Loaded with refresh=False, so display geometry and indicators are made once, here.
        refresh_after_load(engine, set(files) | record_kinds)
        summary.refresh_seconds = time.perf_counter() - started
        say(f"geometría de visualización e indicadores actualizados ({summary.refresh_seconds:.1f} s)")
        summary.load_seconds = time.perf_counter() - load_started
    finally:
        if out_dir is None:
            shutil.rmtree(folder, ignore_errors=True)
    summary.total_seconds = time.perf_counter() - began
    summary.peak_memory_mb = peak_memory_mb()
    return summary
