"""The quote counts behind each observed corridor average of a quarter
(issue 20 §2), for the exports: one read of the quarter's state and one of
its staged quotes, instead of a corridor answer per corridor."""
from observatory.analysis.quality import quote_counts
from services.ingest import as_of as vintage
from services.ingest.keys import corridor_key
from services.ingest.queries import latest_period


def _records(doc):
    """The staged rows as the records ``quote_counts`` reads (transparency, FX margin)."""
    fields = doc["quote_fields"]
    t, fx = fields.index("transparent"), fields.index("fx_margin_pct")
    return [{"transparent": row[t], "cc1_fx_margin": row[fx]} for row in doc["quotes"]]


def corridor_quote_counts(store, period=None, as_of=None):
    """``{"period", "vintage", "items": [{"source", "destination", "quotes", "quotes_non_transparent",
    "negative_fx_margins"}]}`` of every observed corridor of ``period`` (default: the latest surveyed
    quarter) as published now or at ``as_of``; no items for a quarter without published quotes."""
    view = vintage.published(store, as_of)
    period = period or latest_period(view)
    state_id = view.periods().get(period)
    corridors = (store.publication.load_states([state_id]).get(period, {}) if state_id else {}).get("corridors", {})
    pairs = {key: (entry["dataset_id"], corridor_key(period, *key.split(":"))) for key, entry in corridors.items()}
    docs = store.publication.staged_docs(list(pairs.values()))
    items = []
    for key in sorted(pairs):
        doc = docs.get(pairs[key])
        if doc is not None:
            source, destination = key.split(":")
            items.append({"source": source, "destination": destination, **quote_counts(_records(doc))})
    return {"period": period, "vintage": view.vintage, "items": items}
