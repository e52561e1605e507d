"""Benchmark: the policy analysis answers, pages and briefs (issue 20).

    make bench-analysis      (or: .venv/bin/python bench/analysis.py [--repeat 10])

Starts the platform as `make run` does, loads the bundled data, then prints
the server's cold (first) and median warm time of each new answer and page
beside the corridor answer in the same run, each new page in headless
Chromium (to its load event and its last chart), one brief's PDF, and the
zip of every LDC's brief (printed by Chromium, a few at a time). Asserts
nothing. Goals: every page under 1 s to its last chart; all LDC briefs in
under a minute.
"""
import argparse
import sys
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
import bundled_data  # noqa: E402
from pages import print_browser_times, server_times  # noqa: E402  (bench/pages.py)
from platform_runner import running_platform  # noqa: E402
from tests.cluster.conftest import new_vhost  # noqa: E402

TOKEN = "obs_benchmark-token-0123456789abcdefghijklmnopqrstuv"
BASELINE = "/api/v1/corridors/ARE/NPL"
ANSWERS = ["/api/v1/countries/NPL/sdg", "/api/v1/countries/LDC/sdg", "/api/v1/countries/NPL/peers",
           "/api/v1/corridors/ARE/NPL/scorecard", "/api/v1/countries/NPL/scorecards",
           "/api/v1/whatif?country=NPL", "/api/v1/whatif?corridor=ARE-NPL"]
PAGES = ["/countries/NPL/sdg", "/countries/LDC/sdg", "/countries/NPL/peers", "/corridors/ARE/NPL/scorecard",
         "/whatif", "/countries/NPL/brief", "/", "/ldc", "/countries/NPL"]
# Pages no request asked for before: their first visit in the browser includes the server's cold answer.
COLD_PAGES = ["/countries/SEN/sdg", "/countries/SEN/peers", "/corridors/FRA/SEN/scorecard", "/countries/SEN/brief",
              "/countries/SEN", "/countries/HTI/peers?peers=DOM,JAM", "/countries/HTI/brief"]


def timed(session, url, timeout=600):
    started = time.perf_counter()
    answer = session.get(url, timeout=timeout)
    answer.raise_for_status()
    return time.perf_counter() - started, answer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    vhost = f"bench-analysis-{uuid.uuid4().hex[:6]}"  # a vhost of its own: no other platform answers its RPCs
    drop_vhost = new_vhost(vhost, port=15672)
    try:
        run(args, f"pyamqp://guest:guest@127.0.0.1:5672/{vhost}")
    finally:
        drop_vhost()


def run(args, amqp_uri):
    with running_platform(TOKEN, "bench-analysis", AMQP_URI=amqp_uri, RATE_LIMIT_ANONYMOUS="off",
                          RATE_LIMIT_TOKEN="off") as base:
        bundled_data.load_all(base, TOKEN, lambda *a: None)
        session = requests.Session()
        print(f"platform up on {base} with the bundled data\n")
        print(f"{'answer or page':40} {'cold ms':>8} {'warm ms':>8}")
        for path in [BASELINE] + ANSWERS + PAGES:
            cold, warm = server_times(session, base + path, args.repeat)
            note = "   (baseline: the corridor answer)" if path == BASELINE else ""
            print(f"{path:40} {cold:8.1f} {warm:8.2f}{note}")
        seconds, pdf = timed(session, base + "/api/v1/countries/NPL/brief.pdf")
        print(f"\none brief as PDF (NPL), cold: {seconds * 1000:.0f} ms, {len(pdf.content) // 1024} KiB")
        started = time.perf_counter()  # printed in the background: 202 with the progress until it is ready
        while (archive := session.get(base + "/api/v1/briefs.zip", timeout=60)).status_code == 202:
            time.sleep(0.5)
        archive.raise_for_status()
        seconds = time.perf_counter() - started
        print(f"every LDC's brief as PDF (one zip), cold: {seconds:.1f} s, {len(archive.content) // 1024} KiB"
              "   goal: < 60 s")
        seconds, _ = timed(session, base + "/api/v1/briefs.zip")
        print(f"the same zip again (kept in the read model): {seconds * 1000:.0f} ms")
        try:
            from tests.browser import start_browser
            driver = start_browser()
        except BaseException as exc:  # pytest's skip when Chromium is missing
            print(f"\nno browser timings: {exc}")
            return
        try:
            print("\nin headless Chromium (fresh cache first):")
            print(f"{'page':40} {'load ms':>8} {'charts ms':>10} {'again':>8}")
            print_browser_times(driver, base, PAGES, width=40)
            print("\nin headless Chromium, pages the server had not answered before (its cold answer included):")
            print(f"{'page':40} {'load ms':>8} {'charts ms':>10} {'again':>8}")
            print_browser_times(driver, base, COLD_PAGES, width=40)
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
