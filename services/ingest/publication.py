"""Staged, atomic, reversible publishing of observed quotes (DESIGN §4).

An import first *stages* its corridor-periods (``StagedCorridorPeriod``, keyed
by dataset, never changed afterwards). *Publishing* a dataset then writes new
``PeriodState`` documents for the periods it covers and switches to them with
ONE conditional update of the ``Publication`` document, which also carries the
dataset's events in its outbox. Readers therefore see a dataset entirely or
not at all; a crash before the switch leaves only unreferenced states behind,
and a request already applied (its id is in ``applied_events``) is not applied
again. Publishing an earlier dataset again points its corridor-periods back
at its own staged quotes, which restores exactly its figures.

A dataset that would remove published quotes (fewer quotes for a
corridor-period than what it replaces) is not published by the importer: the
diff computed by ``review`` holds it for an operator.
"""
import time
import uuid
from collections import Counter, defaultdict

from observatory.clock import utcnow
from services.ingest.exceptions import PublicationConflict
from observatory.events import new_event
from observatory.idempotency import REMEMBERED_EVENTS
from services.ingest.indicators import DEFAULT_WEIGHT_LAG_YEARS, Quote, corridor_figures, period_figures
from services.ingest.models import Publication, PeriodState, StagedCorridorPeriod
from services.ingest.pruning import archived_figures, pack, quote_rows, staged_doc, staged_figures
from services.ingest.store import SOURCE, corridor_key, weights_for

OBSERVED = "observed"
QUOTE_FIELDS = list(Quote._fields)  # quotes are stored as rows in this order: a fifth of a dict's size
QUOTE_IDENTITY = ("firm", "product", "payment_instrument", "access_point", "pickup_method")
CHANGE_TOLERANCE_PP = 1e-9
INSERT_BATCH = 200
LOG_ENTRIES = 100
MAX_LISTED_LOSSES = 500
FLIP_ATTEMPTS = 10


def staged_id(dataset_id, key):
    return f"{dataset_id}/{key}"


def _summary(figures, dataset_id):
    """What period figures, lists and change detection need of one corridor-period."""
    keep = ("sum_total_cost_pct", "quotes_transparent", "quotes_total", "average_total_cost_pct",
            "smart_average_pct", "cheapest_provider")
    return {**{k: figures.get(k) for k in keep}, "dataset_id": dataset_id}


# -- staging ------------------------------------------------------------------

def stage(dataset_id, groups):
    """Store ``groups`` ({(period, source, destination): [Quote]}) as this
    dataset's staged corridor-periods. Returns {(period, source, destination): summary}."""
    collection = StagedCorridorPeriod._get_collection()
    collection.delete_many({"dataset_id": dataset_id})  # a re-run after a crash starts clean
    summaries, batch = {}, []
    for number, (period, source, destination) in enumerate(sorted(groups)):
        if number % 50 == 0:
            time.sleep(0)  # cooperative: let RPC workers answer meanwhile
        quotes = groups[(period, source, destination)]
        figures = corridor_figures(quotes)
        summaries[(period, source, destination)] = _summary(figures, dataset_id)
        batch.append({"_id": staged_id(dataset_id, corridor_key(period, source, destination)),
                      "dataset_id": dataset_id, "period": period, "source": source, "destination": destination,
                      "quote_fields": QUOTE_FIELDS, "packed": pack([list(q) for q in quotes])})  # figures: on read
        if len(batch) >= INSERT_BATCH:  # bounded: the store copies what it is given
            collection.insert_many(batch)
            batch = []
    if batch:
        collection.insert_many(batch)
    return summaries


def staged_summaries(dataset_id):
    docs = StagedCorridorPeriod._get_collection().find({"dataset_id": dataset_id})
    summaries = {key: _summary(figures, dataset_id) for key, figures in archived_figures(dataset_id).items()}
    for number, d in enumerate(docs):
        if number % 50 == 0:
            time.sleep(0)  # cooperative
        summaries[(d["period"], d["source"], d["destination"])] = _summary(staged_figures(d), dataset_id)
    return summaries


# -- what is published ----------------------------------------------------------

def current():
    doc = Publication._get_collection().find_one({"_id": OBSERVED}, {"outbox": 0})
    return doc or {"_id": OBSERVED, "version": 0, "periods": {}, "applied_events": [], "log": []}


def load_states(state_ids, corridor=None):
    """{period: state document} for ``state_ids``; with ``corridor`` ("SRC:DST")
    only that corridor's entry is read (and the figures are left out)."""
    if not state_ids:
        return {}
    projection = {"period": 1, f"corridors.{corridor}": 1} if corridor else None
    docs = PeriodState._get_collection().find({"_id": {"$in": list(state_ids)}}, projection)
    return {d["period"]: d for d in docs}


def published_states(corridor=None):
    return load_states(current().get("periods", {}).values(), corridor)


def published_averages():
    """{"SRC:DST": {period: observed average}} of what is published: the history plausibility compares with."""
    averages = defaultdict(dict)
    for period, state in published_states().items():
        time.sleep(0)  # cooperative
        for key, entry in state.get("corridors", {}).items():
            averages[key][period] = entry.get("average_total_cost_pct")
    return averages


# -- review -------------------------------------------------------------------------

def _identities(doc):
    fields = doc["quote_fields"]
    return Counter(tuple(dict(zip(fields, q)).get(f) for f in QUOTE_IDENTITY) for q in quote_rows(doc))


def review(dataset_id, summaries):
    """The diff between the staged dataset and what is published now:
    corridor-periods added, changed, unchanged, and the ones that would lose
    quotes (with which quotes). ``needs_review`` is true when any would."""
    states = published_states()
    added, changed, unchanged, shrinking, replaced = 0, 0, 0, [], set()
    for (period, source, destination), summary in sorted(summaries.items()):
        old = states.get(period, {}).get("corridors", {}).get(f"{source}:{destination}")
        if old is None:
            added += 1
            continue
        if old["dataset_id"] != dataset_id:
            replaced.add(old["dataset_id"])
        if (old.get("quotes_total") or 0) > (summary.get("quotes_total") or 0):
            shrinking.append((period, source, destination, old))
        elif _moved(old.get("average_total_cost_pct"), summary["average_total_cost_pct"]) or \
                old.get("quotes_total") != summary.get("quotes_total"):
            changed += 1
        else:
            unchanged += 1
    periods = {p for p, _, _ in summaries}
    covered = {(p, f"{s}:{d}") for p, s, d in summaries}
    not_covered = sum(1 for p in periods for key in states.get(p, {}).get("corridors", {}) if (p, key) not in covered)
    losses = _quotes_lost(dataset_id, shrinking)
    return {"needs_review": bool(shrinking), "corridor_periods_added": added, "corridor_periods_changed": changed,
            "corridor_periods_unchanged": unchanged, "corridor_periods_losing_quotes": len(shrinking),
            "corridor_periods_not_covered": not_covered, "quotes_lost": sum(l["quotes_lost"] for l in losses),
            "losses": losses[:MAX_LISTED_LOSSES], "replaces_datasets": sorted(replaced)}


def _quotes_lost(dataset_id, shrinking):
    """Which published quotes each shrinking corridor-period would drop."""
    if not shrinking:
        return []
    losses = []
    for period, source, destination, old in shrinking:
        key = corridor_key(period, source, destination)
        before = _identities(staged_doc(old["dataset_id"], key))
        after = _identities(staged_doc(dataset_id, key))
        lost = before - after
        losses.append({"period": period, "source": source, "destination": destination,
                       "published_dataset_id": old["dataset_id"], "quotes_before": old.get("quotes_total"),
                       "quotes_after": sum(after.values()), "quotes_lost": sum(before.values()) - sum(after.values()),
                       "lost": [dict(zip(QUOTE_IDENTITY, identity)) for identity in sorted(lost, key=str)][:20]})
    return losses


def _moved(before, after):
    if (before is None) != (after is None):
        return True
    return before is not None and abs(after - before) > CHANGE_TOLERANCE_PP


# -- publishing -------------------------------------------------------------------

def publish(dataset_id, request_id, action, dataset_events=(), summaries=None, weight_lag_years=DEFAULT_WEIGHT_LAG_YEARS):
    """Point every corridor-period of ``dataset_id`` at its staged quotes, in
    one step. ``dataset_events`` (e.g. dataset.published) travel in the same
    update. Returns {"version", "periods", "corridors_changed", "applied"}."""
    summaries = staged_summaries(dataset_id) if summaries is None else summaries
    by_period = defaultdict(dict)
    for (period, source, destination), summary in summaries.items():
        by_period[period][f"{source}:{destination}"] = summary

    def change(period, corridors):
        corridors.update(by_period[period])

    return flip(sorted(by_period), change, request_id, {"dataset_id": dataset_id, "action": action},
                dataset_events, changed_event_dataset=dataset_id, weight_lag_years=weight_lag_years)


def reweight(periods, request_id, reason, weight_lag_years=DEFAULT_WEIGHT_LAG_YEARS):
    """Recompute the period figures of ``periods`` (new matrix weights)."""
    return flip(sorted(periods), lambda period, corridors: None, request_id, {"action": reason}, (),
                weight_lag_years=weight_lag_years)


def flip(periods, change, request_id, log_entry, extra_events, changed_event_dataset=None,
         weight_lag_years=DEFAULT_WEIGHT_LAG_YEARS):
    """Write new states for ``periods`` (``change(period, corridors)`` edits a
    copy of each one's corridors), then switch the publication to them with a
    conditional update on its version; retry when another publication won."""
    collection = Publication._get_collection()
    collection.update_one({"_id": OBSERVED}, {"$setOnInsert": {"version": 0, "periods": {}, "log": [],
                                                              "applied_events": [], "outbox": []}}, upsert=True)
    for _ in range(FLIP_ATTEMPTS):
        publication = current()
        if request_id in publication.get("applied_events", []):
            return {"version": publication["version"], "periods": periods, "corridors_changed": 0, "applied": False}
        all_states = load_states(publication["periods"].values())
        new_states = _new_states(periods, change, all_states, weight_lag_years)
        changed = _changed_events(all_states, new_states, changed_event_dataset) if changed_event_dataset else []
        events = [_with_changed_count(e, len(changed)) for e in extra_events] + changed
        if new_states:
            PeriodState._get_collection().insert_many(list(new_states.values()))
        entry = {**log_entry, "version": publication["version"] + 1, "at": utcnow(), "periods": periods}
        result = collection.update_one(
            {"_id": OBSERVED, "version": publication["version"], "applied_events": {"$ne": request_id}},
            {"$set": {"version": publication["version"] + 1, "updated_at": utcnow(),
                      **{f"periods.{p}": state["_id"] for p, state in new_states.items()}},
             "$push": {"log": {"$each": [entry], "$slice": -LOG_ENTRIES}, "outbox": {"$each": events},
                       "applied_events": {"$each": [request_id], "$slice": -REMEMBERED_EVENTS}}})
        replaced = [publication["periods"][p] for p in new_states if p in publication["periods"]]
        if result.modified_count == 1:
            PeriodState._get_collection().delete_many({"_id": {"$in": replaced}})  # no longer referenced
            return {"version": publication["version"] + 1, "periods": periods, "corridors_changed": len(changed),
                    "applied": True}
        PeriodState._get_collection().delete_many({"_id": {"$in": [s["_id"] for s in new_states.values()]}})
    raise PublicationConflict(f"could not publish after {FLIP_ATTEMPTS} attempts")


def _with_changed_count(envelope, changed):
    """dataset.published says how many corridor-periods it moved."""
    if envelope["type"] != "dataset.published":
        return envelope
    return {**envelope, "data": {**envelope["data"], "corridors_changed": changed}}


def _new_states(periods, change, all_states, weight_lag_years):
    token, weights_by_year, states = uuid.uuid4().hex[:12], {}, {}
    for period in periods:
        time.sleep(0)  # cooperative
        corridors = dict(all_states.get(period, {}).get("corridors", {}))
        change(period, corridors)
        year = int(period[:4])
        if year not in weights_by_year:
            weights_by_year[year] = weights_for(year, weight_lag_years)
        weights, weight_year = weights_by_year[year]
        listed = [{"source": k.split(":")[0], "destination": k.split(":")[1], **v} for k, v in corridors.items()]
        states[period] = {"_id": f"{period}@{token}", "period": period, "corridors": corridors,
                          "figures": period_figures(period, listed, weights, weight_year), "created_at": utcnow()}
    return states


def _changed_events(old_states, new_states, dataset_id):
    """``corridor.cost.changed`` for every corridor-period of the dataset that
    is new or whose average moved, with the corridor's previous period."""
    history = defaultdict(dict)  # "SRC:DST" -> {period: average}
    for period, state in {**old_states, **new_states}.items():
        for key, entry in state.get("corridors", {}).items():
            history[key][period] = entry.get("average_total_cost_pct")
    events = []
    for period, state in sorted(new_states.items()):
        old_corridors = old_states.get(period, {}).get("corridors", {})
        for key, entry in sorted(state["corridors"].items()):
            if entry["dataset_id"] != dataset_id:
                continue
            old = old_corridors.get(key)
            if old is not None and not _moved(old.get("average_total_cost_pct"), entry["average_total_cost_pct"]):
                continue
            if len(events) % 100 == 99:
                time.sleep(0)  # cooperative: a whole file's changes are thousands of validated events
            source, destination = key.split(":")
            earlier = [p for p in history[key] if p < period]
            previous = max(earlier) if earlier else None
            events.append(new_event("corridor.cost.changed", SOURCE, {
                "source": source, "destination": destination, "period": period, "dataset_id": dataset_id,
                "average_total_cost_pct": entry["average_total_cost_pct"],
                "smart_average_pct": entry["smart_average_pct"], "quotes_transparent": entry["quotes_transparent"],
                "revised_from_pct": None if old is None else old.get("average_total_cost_pct"),
                "previous_period": previous,
                "previous_period_average_pct": history[key][previous] if previous else None}))
    return events


def published_periods():
    return sorted(current().get("periods", {}))
