"""Writes of the ingest service, grouped so that one import costs a few bulk
operations per period touched (mongomock scans a collection on every query,
so per-document lookups would make cost grow with everything stored)."""
import datetime as dt
import time
from collections import defaultdict

from observatory.events import new_event
from observatory.outbox import with_outbox
from services.ingest.indicators import Quote, corridor_figures, period_figures
from services.ingest.models import BilateralFlows, CorridorPeriod, PeriodIndicators

SOURCE = "ingest"
# Quotes are stored as rows in this field order (a list per quote is a fifth
# of a dict's size, which matters for 250,000 quotes in an in-process store).
QUOTE_FIELDS = list(Quote._fields)
CHANGE_TOLERANCE_PP = 1e-9
INSERT_BATCH = 200


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


def corridor_key(period, source, destination):
    return f"{period}:{source}:{destination}"


def _history(corridors):
    """{(source, destination): {period: (average, dataset_id)}} for the given
    corridors, read from the per-period summaries: one small document per
    period, so the cost follows the number of periods, not of stored quotes."""
    found = defaultdict(dict)
    for doc in PeriodIndicators._get_collection().find({}, {"corridors": 1}):
        for key, entry in (doc.get("corridors") or {}).items():
            corridor = tuple(key.split(":"))
            if corridor in corridors:
                found[corridor][doc["_id"]] = (entry["average_total_cost_pct"], entry["dataset_id"])
    return found


def _summary(figures, dataset_id):
    """What period figures need of one corridor-period."""
    return {"sum_total_cost_pct": figures["sum_total_cost_pct"], "quotes_transparent": figures["quotes_transparent"],
            "average_total_cost_pct": figures["average_total_cost_pct"],
            "smart_average_pct": figures["smart_average_pct"], "dataset_id": dataset_id}


def _previous(periods, period):
    earlier = [p for p in periods if p < period]
    return max(earlier) if earlier else None


def write_corridor_periods(dataset_id, groups):
    """Replace the quotes and figures of every corridor-period in ``groups``
    ({(period, source, destination): [Quote]}) with this dataset's, queueing a
    ``corridor.cost.changed`` event where the average changed. Returns the
    list of changed keys."""
    collection = CorridorPeriod._get_collection()
    history = _history({(s, d) for _, s, d in groups})
    now, inserts, changed, summaries = utcnow(), [], [], defaultdict(dict)
    for number, (period, source, destination) in enumerate(sorted(groups)):
        if number % 50 == 0:
            time.sleep(0)  # cooperative: let RPC workers answer meanwhile (see importer)
        quotes = groups[(period, source, destination)]
        key = corridor_key(period, source, destination)
        figures = corridor_figures(quotes)
        average = figures["average_total_cost_pct"]
        seen = history[(source, destination)]
        before, old_dataset = seen.get(period, (None, None))
        previous_period = _previous(seen, period)
        fields = {"period": period, "source": source, "destination": destination, "dataset_id": dataset_id,
                  "quote_fields": QUOTE_FIELDS, "quotes": [list(q) for q in quotes], "figures": figures,
                  "average_total_cost_pct": average, "updated_at": now}
        is_new = period not in seen
        moved = is_new or (before is None) != (average is None) or (
            average is not None and abs(average - before) > CHANGE_TOLERANCE_PP)
        events = []
        if moved:
            changed.append(key)
            events.append(new_event("corridor.cost.changed", SOURCE, {
                "source": source, "destination": destination, "period": period, "dataset_id": dataset_id,
                "average_total_cost_pct": average, "smart_average_pct": figures["smart_average_pct"],
                "quotes_transparent": figures["quotes_transparent"],
                "revised_from_pct": None if is_new else before,
                "previous_period": previous_period,
                "previous_period_average_pct": seen[previous_period][0] if previous_period else None,
            }))
        seen[period] = (average, dataset_id)
        summaries[period][f"{source}:{destination}"] = _summary(figures, dataset_id)
        if is_new:
            inserts.append({"_id": key, **fields, "superseded_datasets": [], "applied_events": [], "outbox": events})
            if len(inserts) >= INSERT_BATCH:  # bounded: the store copies what it is given
                collection.insert_many(inserts)
                inserts = []
            continue
        update = {"$set": fields}
        if old_dataset and old_dataset != dataset_id:
            update["$addToSet"] = {"superseded_datasets": old_dataset}
        collection.update_one({"_id": key}, with_outbox(update, *events) if events else update)
    if inserts:
        collection.insert_many(inserts)
    for period, entries in summaries.items():
        PeriodIndicators._get_collection().update_one(
            {"_id": period}, {"$set": {f"corridors.{key}": entry for key, entry in entries.items()}}, upsert=True)
    return changed


def weights_for(year):
    """Bilateral flows of the latest matrix year not after ``year``: (weights, weight_year)."""
    collection = BilateralFlows._get_collection()
    years = [y for y in collection.distinct("year") if y <= year]
    if not years:
        return {}, None
    weight_year = max(years)
    weights = {}
    for row in collection.find({"year": weight_year}, {"source": 1, "flows": 1}):
        for destination, value in row["flows"].items():
            weights[(row["source"], destination)] = value
    return weights, weight_year


def recompute_periods(periods):
    """Period indicators from the period's corridor summaries (one document)."""
    collection = PeriodIndicators._get_collection()
    weights_by_year = {}
    for period in sorted(set(periods)):
        time.sleep(0)  # cooperative (see importer)
        year = int(period[:4])
        if year not in weights_by_year:
            weights_by_year[year] = weights_for(year)
        weights, weight_year = weights_by_year[year]
        doc = collection.find_one({"_id": period}, {"corridors": 1}) or {}
        corridors = [{"source": key.split(":")[0], "destination": key.split(":")[1], **entry}
                     for key, entry in (doc.get("corridors") or {}).items()]
        figures = period_figures(period, corridors, weights, weight_year)
        collection.update_one({"_id": period}, {"$set": {"figures": figures, "updated_at": utcnow()}}, upsert=True)


def stored_periods():
    return sorted(PeriodIndicators._get_collection().distinct("_id"))
