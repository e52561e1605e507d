"""Examples for the OpenAPI description, taken from the real bundled data.

``scripts/capture_examples.py`` asks a platform running on the bundled files
(``make run``) for each published read below, trims long lists to their first
items, and writes ``gateway/web/openapi-examples.json``; the launcher test
checks that every example still agrees with what the platform serves."""
import functools
import json
import re
from pathlib import Path

EXAMPLES_FILE = Path(__file__).resolve().parent / "web" / "openapi-examples.json"

# handler -> the request whose answer is its example
REQUESTS = {
    "api_index": ("/api/v1", None),
    "corridor": ("/api/v1/corridors/ARE/NPL", {"period": "2014Q1"}),
    "corridor_history": ("/api/v1/corridors/ARE/NPL/history", None),
    "list_corridors": ("/api/v1/corridors", {"period": "2014Q1", "destination": "NPL"}),
    "indicators": ("/api/v1/indicators", {"period": "2014Q1"}),
    "country": ("/api/v1/countries/NPL", None),
    "list_providers": ("/api/v1/providers", {"alias": "Trans-Fast"}),
    "get_provider": ("/api/v1/providers/western-union", None),
    "list_practices": ("/api/v1/practices", {"q": "exchange rate disclosure"}),
    "get_practice": ("/api/v1/practices/sdg-10c-three-percent-target", None),
    "ldc_lens": ("/api/v1/ldc", None),
    "overview": ("/api/v1/overview", None),
    "sdg": ("/api/v1/countries/NPL/sdg", None),
    "peers": ("/api/v1/countries/NPL/peers", {"peers": "BGD,PAK"}),
    "scorecard": ("/api/v1/corridors/ARE/NPL/scorecard", None),
    "whatif": ("/api/v1/whatif", {"country": "NPL"}),
}
KEEP_ITEMS = 3  # of each list, and of each map keyed by country or year
# differs from one load of the same files to the next
# (a release's id names its dataset; a permalink, the time it was published)
VOLATILE = {"dataset_id", "created_at", "updated_at", "published_at", "vintage", "permalink", "as_of", "age_days",
            "age_years"}
_DATA_KEY = re.compile(r"[A-Z]{3}|\d{4}(Q[1-4])?")


def trim(value):
    """The first few items of every list and of every map keyed by country, year or quarter."""
    if isinstance(value, list):
        return [trim(item) for item in value[:KEEP_ITEMS]]
    if isinstance(value, dict):
        items = list(value.items())
        if items and all(_DATA_KEY.fullmatch(str(key)) for key, _ in items):
            items = items[:KEEP_ITEMS]
        return {key: trim(item) for key, item in items}
    return value


def is_trimmed_from(example, answer):
    """True when ``example`` is what ``trim`` keeps of ``answer``'s structure and values."""
    if isinstance(example, dict):
        return isinstance(answer, dict) and all(
            key in answer and (key in VOLATILE or is_trimmed_from(value, answer[key]))
            for key, value in example.items())
    if isinstance(example, list):
        return isinstance(answer, list) and len(example) <= len(answer) and all(
            is_trimmed_from(item, live) for item, live in zip(example, answer))
    return example == answer


@functools.lru_cache(maxsize=1)
def examples():
    """{handler: example answer}; empty when the file was never captured."""
    if not EXAMPLES_FILE.exists():
        return {}
    return json.loads(EXAMPLES_FILE.read_text())
