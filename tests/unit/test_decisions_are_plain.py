"""Each service's decisions are plain functions over plain values: importing
them, in a clean interpreter, loads no store library (issue 18), so their
tests need neither mongomock nor a server."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STORE_LIBRARIES = ("mongomock", "mongoengine", "pymongo")
DECISIONS = {
    "ingest": ("publication_plan", "operator_review", "keys", "packing", "messages", "plausibility", "vintages",
               "national_validation", "national_publication", "parsers.sdmx_csv", "parsers.sdmx_ml", "parsers.sdmx_xlsx"),
    "catalog": ("curation_changes", "entries", "resolution", "declared", "declared_versions", "practices",
                "messages", "plan_progress", "peer_suggestions"),
    "notify": ("alerts", "digests", "matching", "messages", "retries", "subscriptions", "delivery"),
    "gateway": ("changes", "national"),
}


def store_libraries_loaded_by(modules):
    code = (f"import sys\nimport {', '.join(modules)}\n"
            f"print(sorted(m for m in {STORE_LIBRARIES!r} if m in sys.modules))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.parametrize("service", sorted(DECISIONS))
def test_the_decisions_load_no_store_library(service):
    package = "gateway" if service == "gateway" else f"services.{service}"
    assert store_libraries_loaded_by([f"{package}.{name}" for name in DECISIONS[service]]) == "[]"
