"""Benchmark: importing RPW quotes, end to end vs a bare baseline.

    make bench            (or: .venv/bin/python bench/import_rpw.py [--quick])

Prints figures; asserts nothing. Measured in one run:
1. baseline: parse + validate + store the 25,516-row file in one process, no
   services (the same parser and loader, mongomock store);
2. end to end: bytes in over HTTP -> indicators queryable, the real services
   as separate processes on the real broker; rows/s and peak memory of each;
3. a 250,000-row file (the real rows repeated with periods shifted by whole
   years), end to end, with the peak memory of each process;
4. one more quarter into a store holding eight, vs into an empty store.
5. a 100 MB upload (the real rows repeated 15 times) goes through.
Goals (issue 3): 2. <= 2x baseline time; 3. < 500 MB per process; 4. <= 1.3x.
"""
import argparse
import csv
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))
import bundled_data  # noqa: E402
from run_platform import Platform, health  # noqa: E402

RPW = ROOT / "data" / "rpw" / "rpw_provider_quotes_2011q1_2014q1.csv"
SETTLE_SECONDS = 6
TOKEN = "obs_benchmark-token-0123456789abcdefghijklmnopqrstuv"


def baseline(data):
    """Parse + validate + store in this process (run in a child for a clean peak)."""
    code = ("import io,sys,time,resource,uuid\n"
            "from observatory.mongo import connect_store\n"
            "from services.ingest.parsers.rpw_quotes import parse_rpw_quotes\n"
            "from services.ingest.loaders import QuotesLoader\n"
            "from services.ingest import publication\n"
            "from services.ingest.store import IngestStore\n"
            "connect_store('ingest','bench'); store=IngestStore.connected(); store.ensure_indexes()\n"
            "data=sys.stdin.buffer.read(); t=time.perf_counter(); loader=QuotesLoader(store, uuid.uuid4().hex[:16]); n=0\n"
            "for row in parse_rpw_quotes(io.BytesIO(data)):\n"
            "    n+=1\n"
            "    row.record and loader.add(row.record)\n"
            "loader.finish(); publication.publish(store, loader.dataset_id, 'bench', 'bench'); dt=time.perf_counter()-t\n"
            "print(n, dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)\n")
    out = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, check=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    rows, seconds, peak_mb = out.stdout.split()
    return int(rows), float(seconds), float(peak_mb)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


class RunningPlatform:
    """ingest + gateway (+ catalog, notify for /health) as `make run` starts them."""

    def __enter__(self):
        self.port = free_port()
        env = dict(os.environ, OBSERVATORY_PORT=str(self.port), OBSERVATORY_ADMIN_TOKEN=TOKEN,
                   MAX_UPLOAD_BYTES=str(200 * 2 ** 20), LOG_LEVEL="WARNING")
        env.pop("MONGODB_URI", None)
        self.platform = Platform(env, Path(tempfile.mkdtemp(prefix="bench-logs-")))
        self.platform.start()
        deadline = time.monotonic() + 60
        while health(self.port) != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("the platform did not start")
            time.sleep(0.3)
        self.base = f"http://127.0.0.1:{self.port}"
        return self

    def import_file(self, data, name="bench.csv"):
        """Seconds from the first byte sent to the indicators being queryable."""
        started = time.perf_counter()
        request = urllib.request.Request(f"{self.base}/api/v1/datasets?kind=rpw-quotes", data=data, method="POST",
                                         headers={"Authorization": f"Bearer {TOKEN}", "X-Filename": name})
        with urllib.request.urlopen(request, timeout=600) as response:
            dataset_id = json.load(response)["id"]
        dataset = bundled_data.wait_until_done(self.base, TOKEN, dataset_id, timeout=1800)
        assert dataset["status"] == "completed", dataset
        with urllib.request.urlopen(f"{self.base}/api/v1/indicators", timeout=60) as response:
            json.load(response)
        return time.perf_counter() - started, dataset

    def peaks(self):
        return {name: peak_mb(pid) for name, pid in self.platform.pids().items() if name in ("ingest", "gateway")}

    def __exit__(self, *exc):
        self.platform.stop()


def rows_of(data):
    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    return next(reader), list(reader)


def as_bytes(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def shifted(header, rows, years):
    """The real rows with their periods moved ``years`` later (2011_1Q -> 2021_1Q)."""
    period, out = header.index("period"), []
    for row in rows:
        row = list(row)
        row[period] = f"{int(row[period][:4]) + years}{row[period][4:]}"
        out.append(row)
    return out


def repeated_run(header, rows, times, name):
    """The real rows ``times`` over (periods shifted by 10 years each time), end to end."""
    repeated = [r for k in range(times) for r in shifted(header, rows, 10 * k)]
    data = as_bytes(header, repeated)
    with RunningPlatform() as running:
        seconds, dataset = running.import_file(data, name)
        peaks = running.peaks()
    assert dataset["rows_accepted"] == len(repeated), dataset
    return len(repeated), seconds, peaks, len(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 250,000-row run")
    args = parser.parse_args()
    data = RPW.read_bytes()
    header, rows = rows_of(data)
    print(f"RPW quotes: {len(rows):,} rows, {len(data) / 2 ** 20:.1f} MiB\n")

    n, base_s, base_peak = baseline(data)
    print(f"1. baseline (parse + validate + store, one process): {base_s:6.2f} s  {n / base_s:8,.0f} rows/s  "
          f"peak {base_peak:5.0f} MB")

    with RunningPlatform() as running:
        e2e_s, _ = running.import_file(data)
        peaks = running.peaks()
    print(f"2. end to end (HTTP -> indicators queryable):        {e2e_s:6.2f} s  {len(rows) / e2e_s:8,.0f} rows/s  "
          f"peak ingest {peaks['ingest']:.0f} MB, gateway {peaks['gateway']:.0f} MB")
    print(f"   ratio end to end / baseline: {e2e_s / base_s:.2f}  (goal <= 2.0)")

    if not args.quick:
        rows_250k, seconds, peaks, size = repeated_run(header, rows, 10, "rpw-250k.csv")
        print(f"3. {rows_250k:,} rows ({size / 2 ** 20:.0f} MiB) end to end: {seconds:6.1f} s  "
              f"{rows_250k / seconds:8,.0f} rows/s  peak ingest {peaks['ingest']:.0f} MB, "
              f"gateway {peaks['gateway']:.0f} MB  (goal < 500 MB per process; the in-process mongomock store "
              f"holds every quote inside ingest)")
    if not args.quick:
        rows_100, seconds, peaks, size = repeated_run(header, rows, 15, "rpw-100mb.csv")
        print(f"5. a {size / 1e6:.0f} MB upload ({rows_100:,} rows) end to end: {seconds:.1f} s, all accepted; "
              f"peak ingest {peaks['ingest']:.0f} MB, gateway {peaks['gateway']:.0f} MB")

    period = header.index("period")
    quarter = [r for r in rows if r[period] == "2014_1Q"]
    eight = [r for r in rows if r[period] != "2014_1Q"]
    # Both stores are settled before the quarter is timed: the eight-quarter
    # import's ~1,700 events are published (outbox) before the clock starts.
    with RunningPlatform() as running:
        time.sleep(SETTLE_SECONDS)
        empty_s, _ = running.import_file(as_bytes(header, quarter), "2014Q1.csv")
    with RunningPlatform() as running:
        running.import_file(as_bytes(header, eight), "eight-quarters.csv")
        time.sleep(SETTLE_SECONDS)
        full_s, _ = running.import_file(as_bytes(header, quarter), "2014Q1.csv")
    print(f"4. one quarter ({len(quarter):,} rows): into an empty store {empty_s:.2f} s, "
          f"into a store holding eight {full_s:.2f} s  ratio {full_s / empty_s:.2f}  (goal <= 1.3)")


if __name__ == "__main__":
    sys.exit(main())
