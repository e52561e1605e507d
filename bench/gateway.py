"""Benchmark: published reads vs a trivial endpoint of the same gateway.

    make bench-api        (or: .venv/bin/python bench/gateway.py [--seconds 8])

Starts the platform as `make run` does (supervisord, separate processes, the
real broker), loads the bundled data, then times each endpoint's first
(cold) answer and drives it with wrk (Debian package `wrk`) at 10
connections: the trivial `GET /api/v1` (no RPC)
first, as the baseline measured in the same run, then corridor, corridor
history, corridor list, indicators and country profile. Prints req/s, p50,
p99, non-2xx answers and each endpoint's ratio to the trivial one. Asserts
nothing. Goal (issue 7): every published read >= 0.8x the trivial endpoint,
p99 < 25 ms, zero non-2xx.
"""
import argparse
import shutil
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import bundled_data  # noqa: E402
from platform_runner import running_platform  # noqa: E402
from wrk import run_wrk  # noqa: E402

TOKEN = "obs_benchmark-token-0123456789abcdefghijklmnopqrstuv"
ENDPOINTS = [
    ("trivial (no RPC)", "/api/v1"),
    ("corridor", "/api/v1/corridors/ARE/NPL"),
    ("corridor 2014Q1 (quotes)", "/api/v1/corridors/USA/MEX?period=2014Q1"),
    ("corridor history", "/api/v1/corridors/GBR/NGA/history"),
    ("corridor list", "/api/v1/corridors?period=2014Q1"),
    ("indicators", "/api/v1/indicators?period=2014Q1"),
    ("country profile", "/api/v1/countries/NPL"),
]


def first_answer_ms(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    # the limits off: wrk is one client
    with running_platform(TOKEN, "bench-api", RATE_LIMIT_ANONYMOUS="off", RATE_LIMIT_TOKEN="off") as base:
        bundled_data.load_all(base, TOKEN, lambda *a: None)
        print(f"platform up on {base} with the bundled data; wrk -t1 -c10 -d{args.seconds}s each\n")
        print(f"{'endpoint':28} {'cold ms':>8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'ratio':>6}")
        baseline = None
        for name, path in ENDPOINTS:
            cold = first_answer_ms(base + path)  # fills the read model: wrk then measures the steady state
            rps, p50, p99, non2xx, errors = run_wrk(base + path, args.seconds)
            baseline = baseline or rps
            print(f"{name:28} {cold:8.1f} {rps:9.0f} {p50:8.2f} {p99:8.2f} {non2xx:8d} {rps / baseline:6.2f}  {errors}")
        print("\ngoal: every published read >= 0.80x the trivial endpoint, p99 < 25 ms, no non-2xx")


if __name__ == "__main__":
    main()
