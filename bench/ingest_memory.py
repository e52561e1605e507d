"""Benchmark: ingest's resident memory over 40 quarterly imports.

    make bench-memory      (or: .venv/bin/python bench/ingest_memory.py [--imports 40])

The platform as `make run` starts it (separate processes, the real broker,
in-process stores: everything ingest keeps is in its memory). The files are
the nine quarters of the real RPW quotes, each uploaded again and again with
its rows in another order (rotated): new bytes, so each is a new dataset that
replaces the corridor-periods of the one before it. Prints ingest's resident
memory (VmRSS) after the first import and after each ninth, and the ratio
last / first. Goal (issue 17): at most 1.2. Asserts nothing.
"""
import argparse
import csv
import io
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from platform_runner import started_platform  # noqa: E402

QUOTES = ROOT / "data" / "rpw" / "rpw_provider_quotes_2011q1_2014q1.csv"
TOKEN = "obs_benchmark-token-0123456789abcdefghijklmnopqrstuv"
SETTLE_SECONDS = 3  # after "completed": the import's handler prunes, the relay publishes


def quarters():
    """[(period, header, rows)] of the real file."""
    with open(QUOTES, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        by_period = {}
        for row in reader:
            by_period.setdefault(row[header.index("period")], []).append(row)
    return [(period, header, rows) for period, rows in sorted(by_period.items())]


def file_bytes(header, rows, rotation):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    cut = rotation % len(rows)
    writer.writerows(rows[cut:] + rows[:cut])
    return out.getvalue().encode()


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def import_and_wait(base, data, name, timeout=300, attempts=3):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for attempt in range(attempts):
        answer = requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, data=data, headers=auth,
                               timeout=60)
        if answer.status_code in (200, 202):
            break
        print(f"  {name}: upload answered {answer.status_code} {answer.text[:200]}; sent again")
    else:
        raise RuntimeError(f"{name}: {answer.status_code} {answer.text[:300]}")
    dataset_id = answer.json()["id"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = requests.get(f"{base}/api/v1/datasets/{dataset_id}", headers=auth, timeout=30).json().get("status")
        if status in ("completed", "needs_review", "failed"):
            return status
        time.sleep(0.3)
    raise RuntimeError(f"{name} did not settle within {timeout} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imports", type=int, default=40)
    args = parser.parse_args()
    files = quarters()
    with started_platform(TOKEN, "bench-memory") as (base, platform):
        ingest = platform.pids()["ingest"]
        print(f"ingest pid {ingest}: {rss_mb(ingest):.0f} MB before any import")
        figures = []
        for number in range(args.imports):
            period, header, rows = files[number % len(files)]
            rotation = (number // len(files)) * 97  # another order on every pass over the quarters
            status = import_and_wait(base, file_bytes(header, rows, rotation), f"{period} #{number + 1}")
            time.sleep(SETTLE_SECONDS)
            figures.append(rss_mb(ingest))
            if number == 0 or (number + 1) % len(files) == 0 or number + 1 == args.imports:
                print(f"  import {number + 1:>3} ({period}, {len(rows):,} rows, {status}): "
                      f"ingest resident {figures[-1]:.0f} MB")
        first, last = figures[0], figures[-1]
        print(f"\ningest resident memory: after the first import {first:.0f} MB, after import {len(figures)} "
              f"{last:.0f} MB; ratio last/first {last / first:.2f} (goal <= 1.20)")


if __name__ == "__main__":
    main()
