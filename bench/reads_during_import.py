"""Benchmark: published reads while a quarter of quotes is imported, beside
the same reads when nothing is imported, in the same run.

    make bench-reads      (or: .venv/bin/python bench/reads_during_import.py [--seconds 40])

Starts the platform as `make run` does (supervisord, separate processes, the
real broker), publishes the real quotes of 2011Q1 and the KNOMAD flows, then
drives `GET /api/v1/countries/NPL` with wrk at 10 connections: quiet, then
for as long again while the real quotes of 2011Q3 (2,668 rows, hundreds of
firms new to the catalog) are uploaded, imported, published and their firms
applied by the catalog, then quiet again (the machine's other load moves the
quiet figure; the two bracket it). Prints req/s, p50, p99 and non-2xx of each
window, the ratios, when the import and the catalog's change were done
(within the window, or the window was too short), and the CPU seconds each
service spent per window. Asserts nothing. Goal (issue 17): during the
import 0 non-2xx and p99 < 25 ms.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from kombu import Connection, Exchange, Queue

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))
import bundled_data  # noqa: E402
from platform_runner import cpu_seconds, machine_busy_seconds, started_platform  # noqa: E402
from tests.cluster.conftest import new_vhost  # noqa: E402
from wrk import run_wrk, start_wrk, wrk_figures  # noqa: E402

TOKEN = "obs_benchmark-token-0123456789abcdefghijklmnopqrstuv"
QUOTES = bundled_data.DATA / "rpw" / "rpw_provider_quotes_2011q1_2014q1.csv"
FLOWS = [("country-flows", bundled_data.DATA / "flows" / name) for name in
         ("knomad_remittance_inflows_2000_2022_jun2023.xlsx", "knomad_remittance_outflows_2000_2022_jun2023.xlsx")]
READ = "/api/v1/countries/NPL"


def quarter_of_quotes(period, folder):
    """The real quotes of one survey round (``2011_3Q``) as a CSV file."""
    lines = QUOTES.read_text(encoding="utf-8").splitlines(keepends=True)
    column = lines[0].rstrip("\n").split(",").index("period")
    path = Path(folder) / f"rpw_{period}.csv"
    path.write_text(lines[0] + "".join(line for line in lines[1:] if line.split(",")[column] == period),
                    encoding="utf-8")
    return path, sum(1 for line in lines[1:] if line.split(",")[column] == period)


def broker_pid():
    """The process listening on the broker's port (None when it cannot be seen)."""
    try:
        out = subprocess.run(["ss", "-ltnpH", "sport = :5672"], capture_output=True, text=True).stdout
        return int(out.split("pid=", 1)[1].split(",", 1)[0])
    except (OSError, IndexError, ValueError):
        return None


def publish(base, kind, path):
    answer = bundled_data.upload(base, TOKEN, kind, path)
    dataset = bundled_data.wait_until_done(base, TOKEN, answer["id"])
    if dataset["status"] != "completed":
        raise RuntimeError(f"{path.name}: {dataset['status']} {dataset.get('failure')}")
    return answer["id"]


class CatalogChanges:
    """Hears the catalog's ``providers.changed`` (a queue of its own on the
    platform's broker): when one import's firms are all applied."""

    def __init__(self, amqp_uri):
        self.seen, self._stop = {}, threading.Event()
        self._connection = Connection(amqp_uri)
        self._queue = Queue(exclusive=True, auto_delete=True, routing_key="providers.changed",
                            exchange=Exchange("catalog.events", type="topic", durable=True))
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._ready = threading.Event()
        self._thread.start()
        self._ready.wait(10)

    def _listen(self):
        def on_message(body, message):
            payload = body if isinstance(body, dict) else json.loads(body)
            self.seen[payload["data"]["dataset_id"]] = time.monotonic()
            message.ack()

        with self._connection.Consumer(self._queue, callbacks=[on_message], accept=["json"]):
            self._ready.set()
            while not self._stop.is_set():
                try:
                    self._connection.drain_events(timeout=0.5)
                except socket.timeout:
                    pass

    def wait(self, dataset_id, timeout):
        deadline = time.monotonic() + timeout
        while dataset_id not in self.seen and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.seen.get(dataset_id)

    def close(self):
        self._stop.set()
        self._thread.join(5)
        self._connection.release()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=40, help="each window (quiet, during the import, quiet)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    folder = tempfile.mkdtemp(prefix="bench-reads-")
    first, _ = quarter_of_quotes("2011_1Q", folder)
    second, rows = quarter_of_quotes("2011_3Q", folder)
    vhost = f"bench-reads-{uuid.uuid4().hex[:6]}"  # a vhost of its own: no other platform answers its RPCs
    drop_vhost, amqp_uri = new_vhost(vhost, port=15672), f"pyamqp://guest:guest@127.0.0.1:5672/{vhost}"
    with started_platform(TOKEN, "bench-reads", AMQP_URI=amqp_uri, RATE_LIMIT_ANONYMOUS="off",
                          RATE_LIMIT_TOKEN="off") as (base, platform):
        pids = platform.pids()

        broker = broker_pid()

        def cpu():
            """CPU seconds so far: each service, the broker (shared with whatever else uses it), the machine."""
            spent = {name: cpu_seconds(pid) for name, pid in pids.items()}
            if broker:
                spent["(broker)"] = cpu_seconds(broker)
            spent["(machine busy)"], spent["(machine all)"] = machine_busy_seconds()
            return spent

        changes = CatalogChanges(amqp_uri)
        try:
            for kind, path in FLOWS:
                publish(base, kind, path)
            changes.wait(publish(base, "rpw-quotes", first), 120)  # 2011Q1's firms in the catalog
            bundled_data._request("GET", base + READ, TOKEN)  # the view is in the read model
            print(f"platform up on {base}: KNOMAD flows and the 2011Q1 quotes published; "
                  f"wrk -t1 -c10 -d{args.seconds}s {READ}\n")
            before = cpu()
            quiet = run_wrk(base + READ, args.seconds)
            quiet_cpu = cpu()

            wrk = start_wrk(base + READ, args.seconds)
            started = time.monotonic()
            dataset_id = publish(base, "rpw-quotes", second)
            imported = time.monotonic() - started
            during = wrk_figures(wrk)
            during_cpu = cpu()
            applied = changes.wait(dataset_id, 60)  # heard when it came: its time is kept
            after = run_wrk(base + READ, args.seconds)  # quiet again: how much the machine's own load moved
        finally:
            changes.close()
    drop_vhost()
    print(f"{'':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}  socket errors")
    windows = (("quiet, before", quiet), (f"importing 2011Q3 ({rows:,} rows)", during), ("quiet, after", after))
    for name, (rps, p50, p99, non2xx, errors) in windows:
        print(f"{name:34} {rps:9.0f} {p50:8.2f} {p99:8.2f} {non2xx:8d}  {errors}")
    calm = [(a + b) / 2 for a, b in zip(quiet[:3], after[:3])]
    print(f"{'ratio (during / mean of quiet)':34} {during[0] / calm[0]:9.2f} {during[1] / calm[1]:8.2f} "
          f"{during[2] / calm[2]:8.2f}")
    catalog = f"{applied - started:.1f} s" if applied else "not within the window + 60 s (no providers.changed?)"
    covered = applied and applied - started <= args.seconds
    print(f"\nimport published after {imported:.1f} s, its firms applied by the catalog after {catalog} "
          f"(window {args.seconds} s{'' if covered else ': too short, raise --seconds'})")
    print("\nCPU seconds per window (quiet before / during the import):")
    for name in sorted(quiet_cpu):
        quiet_s, during_s = quiet_cpu[name] - before[name], during_cpu[name] - quiet_cpu[name]
        print(f"  {name:16} quiet {quiet_s:6.1f}   during {during_s:6.1f}")
    print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("goal: during the import 0 non-2xx and p99 < 25 ms")


if __name__ == "__main__":
    main()
