"""The real data `make run` loads by default (see data/README.md), and the
HTTP client that loads it with visible progress. Stdlib only."""
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"

# (kind, file, year when the file does not say). Matrices first: the cost
# indicators' weighted averages use them.
BUNDLED = [
    *[("bilateral-matrix", f"flows/bilateral_remittance_matrix_{y}.xlsx", None)
      for y in (2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017)],
    ("bilateral-matrix", "flows/bilateral_remittance_matrix_2018_countries_only.csv", 2018),
    ("bilateral-matrix", "flows/bilateral_remittance_matrix_2021.xlsx", None),
    ("rpw-quotes", "rpw/rpw_provider_quotes_2011q1_2014q1.csv", None),
    ("rpw-corridor-averages", "rpw/rpw_corridor_avg_total_cost_databank_2011q1_2020q3.csv", None),
    ("rpw-corridor-means", "rpw/rpw_corridor_quarter_means_derived_2016q2_2023q4.csv", None),
    ("country-flows", "flows/knomad_remittance_inflows_2000_2022_jun2023.xlsx", None),
    ("country-flows", "flows/knomad_remittance_outflows_2000_2022_jun2023.xlsx", None),
    *[("country-flows", f"wdi/{p.name}", None) for p in sorted((DATA / "wdi").glob("wdi_*.csv"))],
]


def _request(method, url, token, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Authorization": f"Bearer {token}", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{method} {url}: {exc.code} {exc.read().decode()[:300]}") from None


def upload(base_url, token, kind, path, year=None):
    query = f"kind={kind}" + (f"&year={year}" if year else "")
    return _request("POST", f"{base_url}/api/v1/datasets?{query}", token, Path(path).read_bytes(),
                    {"Content-Type": "application/octet-stream", "X-Filename": Path(path).name})


def wait_until_done(base_url, token, dataset_id, on_progress=None, timeout=900):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            dataset = _request("GET", f"{base_url}/api/v1/datasets/{dataset_id}?errors_limit=5", token)
        except RuntimeError as exc:  # a busy ingest may miss one 2 s deadline: ask again
            if ": 503 " not in str(exc):
                raise
            time.sleep(1)
            continue
        if on_progress:
            on_progress(dataset)
        if dataset["status"] in ("completed", "failed", "needs_review", "rejected"):
            return dataset
        time.sleep(0.3)
    raise RuntimeError(f"dataset {dataset_id} did not finish within {timeout} s")


def load_all(base_url, token, say=print):
    say("loading the bundled data (The World Bank, Remittance Prices Worldwide; KNOMAD/World Bank; WDI)")
    for number, (kind, relative, year) in enumerate(BUNDLED, start=1):
        started = time.monotonic()
        answer = upload(base_url, token, kind, DATA / relative, year)
        label = f"[{number:2}/{len(BUNDLED)}] {kind:22} {Path(relative).name}"

        def progress(dataset, label=label):
            print(f"\r  {label}: {dataset['status']:10} {dataset['rows_total']:>7,} rows", end="", flush=True)

        dataset = wait_until_done(base_url, token, answer["id"], progress)
        print(f"\r  {label}: {dataset['status']:10} {dataset['rows_accepted']:>7,} rows accepted, "
              f"{dataset['rows_rejected']} rejected ({time.monotonic() - started:.1f} s)"
              + ("  [already loaded]" if answer["duplicate"] else ""), flush=True)
        if dataset["status"] == "failed":
            say(f"  {relative} failed: {dataset['failure']}")
