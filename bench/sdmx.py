"""Benchmark: the SDMX web service on the bundled data.

    make bench-sdmx      (or: .venv/bin/python bench/sdmx.py)

Starts the platform as `make run` does (supervisord, separate processes, the
real broker), loads the bundled data, then asks for every corridor-quarter
(the whole RPW_CORRIDOR_COST dataflow) as one SDMX data query in each format,
and the JSON API's answer of the same content in the same run (the corridor
list of every quarter, paged through: first, cold, then from the read model).
For each: time to the last byte (the SDMX formats: the median of three
interleaved rounds), bytes, and the gateway's peak resident memory, with its
growth during the answer (RSS sampled every 10 ms). Answer sizes from 0.9 MB
(2020-Q1 to 2023-Q4, asked first) to 21 MB (every provider price, the
largest dataflow) show whether memory follows the answer. Prints figures and ratios; asserts
nothing. Goal (issue 19): within 1.5x the JSON answer's time; memory flat in
the answer's size.
"""
import os
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))
import bundled_data  # noqa: E402
from platform_runner import started_platform  # noqa: E402
from tests.cluster.conftest import new_vhost  # noqa: E402

ROUNDS = 3
TOKEN = "obs_benchmark-token-0123456789abcdefghijklmnopqrstuv"
VND = "application/vnd.sdmx."
FORMATS = {"SDMX-ML generic": f"{VND}genericdata+xml;version=2.1",
           "SDMX-ML structure-specific": f"{VND}structurespecificdata+xml;version=2.1",
           "SDMX-JSON 1.0": f"{VND}data+json;version=1.0.0", "SDMX-CSV 1.0": f"{VND}data+csv;version=1.0.0",
           "SDMX-CSV 2.0": f"{VND}data+csv;version=2.0.0"}


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class PeakMemory:
    """The highest RSS of a process while the block runs, above its RSS before."""

    def __init__(self, pid):
        self.pid, self.peak, self.running = pid, 0, False

    def __enter__(self):
        self.before = self.peak = rss_kb(self.pid)
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, rss_kb(self.pid))
            time.sleep(0.01)

    def __exit__(self, *_):
        self.running = False
        self.thread.join()

    @property
    def grown_mb(self):
        return (self.peak - self.before) / 1024


def timed(pid, fetch):
    with PeakMemory(pid) as memory:
        started = time.perf_counter()
        size = fetch()
        seconds = time.perf_counter() - started
    return seconds, size, memory.grown_mb, memory.peak / 1024


def sdmx_fetch(base, path, media, **params):
    def fetch():
        size = 0
        with requests.get(f"{base}{path}", params=params, stream=True, timeout=600,
                          headers={"Accept": media, "Accept-Encoding": "identity"}) as answer:
            answer.raise_for_status()
            for chunk in answer.iter_content(64 * 1024):
                size += len(chunk)
        return size
    return fetch


def quarters(base):
    """Every quarter with a corridor figure, from the SDMX answer itself (SDMX-CSV 1.0)."""
    text = requests.get(f"{base}/sdmx/2.1/data/RPW_CORRIDOR_COST/all", timeout=600,
                        headers={"Accept": FORMATS["SDMX-CSV 1.0"]}).text
    column = text.split("\r\n", 1)[0].split(",").index("TIME_PERIOD")
    return sorted({line.split(",")[column].replace("-", "") for line in text.split("\r\n")[1:] if line})


def json_fetch(base, periods):
    def fetch():
        size = 0
        for period in periods:
            cursor = None
            while True:
                params = {"period": period, "limit": 500, **({"cursor": cursor} if cursor else {})}
                answer = requests.get(f"{base}/api/v1/corridors", params=params, timeout=120)
                answer.raise_for_status()
                size += len(answer.content)
                cursor = answer.json().get("next_cursor")
                if not cursor:
                    break
        return size
    return fetch


def row(label, seconds, size, grown, peak, baseline=None):
    ratio = f"{seconds / baseline:.2f}" if baseline else ""
    print(f"| {label} | {seconds:.2f} | {size / 1e6:.1f} | {peak:.0f} ({grown:+.1f}) | {ratio} |", flush=True)


def main():
    vhost = f"bench-sdmx-{uuid.uuid4().hex[:6]}"  # a vhost of its own: no other platform answers its RPCs
    drop_vhost = new_vhost(vhost, port=15672)
    try:
        run(f"pyamqp://guest:guest@127.0.0.1:5672/{vhost}")
    finally:
        drop_vhost()


def run(amqp_uri):
    with started_platform(TOKEN, "bench-sdmx", AMQP_URI=amqp_uri, RATE_LIMIT_ANONYMOUS="off") as (base, platform):
        bundled_data.load_all(base, TOKEN, lambda *a: None)
        pid = platform.pids()["gateway"]
        loaded = rss_kb(pid) / 1024
        small = timed(pid, sdmx_fetch(base, "/sdmx/2.1/data/RPW_CORRIDOR_COST", FORMATS["SDMX-CSV 1.0"],
                                      startPeriod="2020-Q1", endPeriod="2023-Q4"))  # the first SDMX answer
        periods = quarters(base)
        print(f"\n{len(periods)} quarters ({periods[0]}-{periods[-1]}); gateway pid {pid}, "
              f"RSS {loaded:.0f} MB after loading the data\n")
        print("| Answer | s to last byte | MB | gateway peak RSS MB (growth in the answer) | × JSON (cold) |")
        print("|---|---|---|---|---|")
        row("SDMX-CSV 1.0, 2020-Q1 to 2023-Q4 (asked first)", *small)
        cold = timed(pid, json_fetch(base, periods))
        row(f"JSON `/api/v1/corridors` every quarter paged, cold ({len(periods)} quarters)", *cold)
        warm = timed(pid, json_fetch(base, periods))
        row("same, warm (read model)", *warm, cold[0])
        runs = {name: [] for name in FORMATS}
        for _ in range(ROUNDS):  # rounds interleave the formats: a shared machine's load falls on all of them
            for name, media in FORMATS.items():
                runs[name].append(timed(pid, sdmx_fetch(base, "/sdmx/2.1/data/RPW_CORRIDOR_COST", media)))
        for name, measured in runs.items():
            median = sorted(measured)[len(measured) // 2]
            row(f"{name}, every corridor-quarter (median of {ROUNDS})", *median[:3],
                max(m[3] for m in measured), cold[0])
        for name in ("SDMX-CSV 1.0", "SDMX-ML structure-specific"):
            row(f"{name}, every provider price (RPW_PRICES)",
                *timed(pid, sdmx_fetch(base, "/sdmx/2.1/data/RPW_PRICES", FORMATS[name])))
        print(f"\nload average (1, 5, 15 min) at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
