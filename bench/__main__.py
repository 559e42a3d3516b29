"""`python -m bench [--quick] [--only views,tiles,…]` (or `make bench`): every benchmark,
one after the other, on the national demo (SALA_DATABASE_URL, or the embedded database
brought up and loaded with `--if-empty`), then each one's closing ratio in a table.

Each also runs alone: `python -m bench.views`, `bench.tiles`, `bench.concurrency`,
`bench.exports`, `bench.load`, `bench.lighthouse` (each takes `--quick`)."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time

# In the order they run; load makes its own throwaway database, the others read the demo.
BENCHMARKS = ("views", "tiles", "exports", "concurrency", "lighthouse", "load")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every benchmark in its short smoke form")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    from bench.common import counts, demo_database_url

    url = demo_database_url()
    demo = counts(url)
    print(f"demo database: {demo['councils']:,} councils, ~{demo['cases']:,} cases; load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    env = {**os.environ, "SALA_DATABASE_URL": url}
    summary = []
    for name in args.only.split(","):
        print(f"\n=== bench.{name} ===", flush=True)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", f"bench.{name}", *(["--quick"] if args.quick else [])],
                              env=env, stdout=subprocess.PIPE, text=True)
        sys.stdout.write(proc.stdout)
        ratios = re.findall(r"^ratio=(\S+)", proc.stdout, re.MULTILINE)
        summary.append((name, ratios[-1] if ratios else f"failed ({proc.returncode})", time.perf_counter() - started))
    print("\n=== summary (ratio: ours/peer, or measure/goal; lower is better) ===")
    for name, ratio, took in summary:
        print(f"  {name:<12} ratio={ratio:<10} {took:6.0f} s")


main()
