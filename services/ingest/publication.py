"""Staged, atomic, reversible publishing of observed quotes (DESIGN §4).

An import first *stages* its corridor-periods (keyed by dataset, never
changed afterwards). *Publishing* a dataset then writes new period states for
the periods it covers and switches to them with ONE conditional update of
the publication document, which also carries the dataset's events in its
outbox. Readers therefore see a dataset entirely or not at all; a crash
before the switch leaves only unreferenced states behind, and a request
already applied (its id is in ``applied_events``) is not applied again.
Publishing an earlier dataset again points its corridor-periods back at its
own staged quotes, which restores exactly its figures.

A dataset that would remove published quotes (fewer quotes for a
corridor-period than what it replaces) is not published by the importer:
its diff (``diff_against_published``) holds it for an operator. What each
step changes is decided in ``publication_plan``; this module applies it.
"""
import time
import uuid
from collections import defaultdict

from observatory.clock import utcnow
from services.ingest import messages, publication_plan as plan, releases
from services.ingest.exceptions import PublicationConflict
from services.ingest.indicators import DEFAULT_WEIGHT_LAG_YEARS
from services.ingest.keys import corridor_key

FLIP_ATTEMPTS = 10


def stage(store, dataset_id, groups):
    """Store ``groups`` ({(period, source, destination): [Quote]}) as this
    dataset's staged corridor-periods. Returns {(period, source, destination): summary}."""
    docs, summaries = plan.staged_documents(dataset_id, groups)
    store.publication.stage(dataset_id, docs)
    return summaries


def staged_summaries(store, dataset_id):
    """{(period, source, destination): summary} of every corridor-period the dataset staged, wherever kept."""
    summaries = {tuple(key.split(":")): plan.corridor_summary(plan.figures_of(rows), dataset_id)
                 for key, rows in store.publication.archived_rows(dataset_id).items()}
    for doc in store.publication.staged_of(dataset_id):
        summaries[(doc["period"], doc["source"], doc["destination"])] = plan.corridor_summary(
            plan.staged_figures(doc), dataset_id)
    return summaries


def published_averages(store):
    """{"SRC:DST": {period: observed average}} of what is published: the history plausibility compares with."""
    averages = defaultdict(dict)
    for period, state in store.publication.published_states().items():
        time.sleep(0)  # cooperative
        for key, entry in state.get("corridors", {}).items():
            averages[key][period] = entry.get("average_total_cost_pct")
    return averages


def published_periods(store):
    return sorted(store.publication.current().get("periods", {}))


def diff_against_published(store, dataset_id, summaries):
    """The review of a staged dataset: its diff against what is published now, with the quotes it would
    remove (``publication_plan.diff``)."""
    review, shrinking = plan.diff(dataset_id, summaries, store.publication.published_states())
    losses = [plan.quotes_lost(period, source, destination, old,
                               store.publication.staged_doc(old["dataset_id"], corridor_key(period, source, destination)),
                               store.publication.staged_doc(dataset_id, corridor_key(period, source, destination)))
              for period, source, destination, old in shrinking]
    return plan.with_losses(review, losses)


def publish(store, dataset_id, request_id, action, dataset_events=(), summaries=None,
            weight_lag_years=DEFAULT_WEIGHT_LAG_YEARS):
    """Point every corridor-period of ``dataset_id`` at its staged quotes, in
    one step. ``dataset_events`` (e.g. dataset.published) travel in the same
    update. Returns {"version", "periods", "corridors_changed", "applied"}."""
    summaries = staged_summaries(store, dataset_id) if summaries is None else summaries
    replacements = plan.corridors_by_period(summaries)
    return flip(store, sorted(replacements), replacements, request_id, {"dataset_id": dataset_id, "action": action},
                dataset_events, changed_event_dataset=dataset_id, weight_lag_years=weight_lag_years)


def reweight(store, periods, request_id, reason, weight_lag_years=DEFAULT_WEIGHT_LAG_YEARS):
    """Recompute the period figures of ``periods`` (new matrix weights)."""
    dataset_id = request_id.split(":", 1)[1] if request_id.startswith("reweight:") else None
    return flip(store, sorted(periods), {}, request_id, {"action": reason, "reweighted_by": dataset_id}, (),
                weight_lag_years=weight_lag_years)


def flip(store, periods, replacements, request_id, log_entry, extra_events, changed_event_dataset=None,
         weight_lag_years=DEFAULT_WEIGHT_LAG_YEARS):
    """Write new states for ``periods`` (their corridors with ``replacements`` laid over), then switch the
    publication to them with a conditional update on its version; retry when another publication won."""
    for _ in range(FLIP_ATTEMPTS):
        current = store.publication.current()
        if request_id in current.get("applied_events", []):
            releases.reconcile_observed(store, current)  # applied, then interrupted before its release was kept
            return {"version": current["version"], "periods": periods, "corridors_changed": 0, "applied": False}
        published = store.publication.load_states(current["periods"].values())
        states = plan.new_states(periods, replacements, published, _weights_by_year(store, periods, weight_lag_years),
                                 uuid.uuid4().hex[:12], utcnow())
        changed = _changed_events(published, states, changed_event_dataset) if changed_event_dataset else []
        events = [messages.with_corridors_changed(e, len(changed)) for e in extra_events] + changed
        store.publication.insert_states(list(states.values()))
        version = current["version"] + 1
        replaced = {p: current["periods"][p] for p in states if p in current["periods"]}
        entry = {**log_entry, "version": version, "at": utcnow(), "periods": periods, "replaced": replaced}
        if store.publication.switch(current["version"], {p: s["_id"] for p, s in states.items()}, entry, events,
                                    request_id, utcnow()):
            # The replaced states stay: the release recorded now names them (a vintage); pruning keeps them.
            releases.record_observed(store, entry, {p: published[p] for p in replaced if p in published}, states,
                                     {**current["periods"], **{p: s["_id"] for p, s in states.items()}})
            return {"version": version, "periods": periods, "corridors_changed": len(changed), "applied": True}
        store.publication.delete_states([s["_id"] for s in states.values()])  # another publication won
    raise PublicationConflict(f"could not publish after {FLIP_ATTEMPTS} attempts")


def _weights_by_year(store, periods, lag_years):
    """{year: (weights, weight year)}: the bilateral flows of the matrix published before each year."""
    years = sorted({int(p[:4]) for p in periods})
    matrix_years = store.series.matrix_years() if years else []
    used = {year: plan.weight_year(matrix_years, year, lag_years) for year in years}
    weights = {y: store.series.matrix_weights(y) for y in set(used.values()) if y is not None}
    return {year: (weights.get(y, {}), y) for year, y in used.items()}


def _changed_events(published, states, dataset_id):
    events = []
    for change in plan.corridor_changes(published, states, dataset_id):
        if len(events) % 100 == 99:
            time.sleep(0)  # cooperative: a whole file's changes are thousands of validated events
        events.append(messages.corridor_cost_changed(change))
    return events
