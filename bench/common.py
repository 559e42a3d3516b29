"""What the benchmarks share: the demo database they read, alternating timings, the
side-by-side line (min/median/max of ours and the peer, the ratio and the goal), the
peers' install folder and a server started on a free port.

The machine is small and shared, so every comparison runs ours and the peer in turns
(A B A B …): drift in the load hits both sides alike, and medians and ratios are what
to quote.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Peers installed at bench time (tipg, locust's server side, lighthouse): never committed.
PEERS = ROOT / "bench" / ".peers"


# --------------------------------------------------------------------------- figures


@dataclass
class Sample:
    """One side's timings (seconds)."""

    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def pct(self, q: float) -> float:
        """The q-th percentile (0–100), nearest rank: honest on few samples."""
        ordered = sorted(self.values)
        rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
        return ordered[rank - 1]

    def spread(self, unit: str = "ms") -> str:
        scale = 1000.0 if unit == "ms" else 1.0
        lo, mid, hi = min(self.values) * scale, self.median * scale, max(self.values) * scale
        digits = 1 if unit == "ms" else 2
        return f"{lo:.{digits}f}/{mid:.{digits}f}/{hi:.{digits}f} {unit}"


def alternate(ours: Callable[[], object], peer: Callable[[], object], rounds: int) -> tuple[Sample, Sample]:
    """Time `ours` and `peer` in turns, `rounds` times each (A B A B …)."""
    a, b = [], []
    for _ in range(rounds):
        for fn, into in ((ours, a), (peer, b)):
            started = time.perf_counter()
            fn()
            into.append(time.perf_counter() - started)
    return Sample(a), Sample(b)


def goal_text(value: float, op: str, target: float) -> str:
    met = value <= target if op == "≤" else value < target if op == "<" else value >= target
    return f"goal {op} {target:g}: {'met' if met else 'NOT met'}"


def side_by_side(label: str, ours: Sample, peer: Sample, peer_name: str, unit: str = "ms", goal: float | None = None) -> float:
    """Print one comparison line; returns the median ratio ours/peer."""
    ratio = ours.median / peer.median if peer.median else float("inf")
    note = f"  ({goal_text(ratio, '≤', goal)})" if goal is not None else ""
    print(f"  {label:<28} ours {ours.spread(unit):>26}   {peer_name} {peer.spread(unit):>26}   ours/{peer_name} {ratio:5.2f}{note}",
          flush=True)
    return ratio


def noise(*samples: Sample) -> str:
    """How noisy a run was: the largest (max − min) / median among the samples."""
    worst = max((max(s.values) - min(s.values)) / s.median for s in samples if s.median)
    return f"noise: widest spread (max−min)/median {worst:.0%}; load average {os.getloadavg()[0]:.1f}"


# --------------------------------------------------------------------------- the demo database


def run_on_demo(module: str, doc: str, run: Callable[..., object], quick_help: str, argv: list[str] | None = None) -> None:
    """The command line of a benchmark that only takes `--quick` and reads the demo."""
    import argparse

    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=quick_help)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    run(demo_database_url(), quick=args.quick)



def demo_database_url() -> str:
    """The national demo to read: SALA_DATABASE_URL, else the embedded cluster (brought up,
    and loaded with the national demo if it holds no territory). Benchmarks only read it."""
    url = os.environ.get("SALA_DATABASE_URL")
    if url:
        return url
    sala = str(Path(sys.executable).with_name("sala"))
    subprocess.run([sala, "db", "up"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sala, "demo", "--scale", "national", "--if-empty"], check=True)
    from geodata.database import database_url

    return database_url()


def psycopg_url(url: str) -> str:
    """The URL as libpq and GDAL take it (no SQLAlchemy driver suffix)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


def counts(url: str) -> dict[str, int]:
    """Rows of the tables that say which demo this is."""
    from sqlalchemy import text

    from geodata.database import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        out = {
            "councils": conn.execute(text("SELECT count(*) FROM territory WHERE level = 'council'")).scalar_one(),
            "cases": conn.execute(text("SELECT reltuples::bigint FROM pg_class WHERE relname = 'case_report'")).scalar_one(),
        }
    engine.dispose()
    return out


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 120.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status < 500:
                    return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"no answer from {url} after {timeout:.0f} s")


@contextlib.contextmanager
def server(command: list[str], port: int, env: dict[str, str] | None = None, probe: str = "/",
           log: Path | None = None) -> Iterator[str]:
    """Start a server process (its own process group), wait until `probe` answers, yield
    its base URL; stop it (SIGTERM, then SIGKILL) on the way out."""
    log = log or Path(os.environ.get("TMPDIR", "/tmp")) / f"sala-bench-server-{port}.log"
    handle = open(log, "wb")
    proc = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=handle, stderr=subprocess.STDOUT,
                            start_new_session=True, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + probe, proc=proc)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        handle.close()


def sala_serve_command(port: int, extra: str = "") -> list[str]:
    """Our server from this checkout: `sala serve` on `port` (plus `extra` options)."""
    sala = str(Path(sys.executable).with_name("sala"))
    return [sala, "serve", "--host", "127.0.0.1", "--port", str(port), *extra.split()]


def require(tool: str, hint: str) -> str:
    path = shutil.which(tool)
    if not path:
        raise SystemExit(f"{tool} not found: {hint}")
    return path
