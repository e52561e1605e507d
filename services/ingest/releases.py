"""Each publication recorded as a release, with the figures it changed
(``vintages`` decides, ``store_vintages`` keeps).

- observed quotes (and a matrix's reweighting): after the publication
  switched to its new period states, from the states it replaced to the new
  ones (the replaced states are kept: an earlier release names them);
- corridor series (official, derived) and country flows: before their
  records are written over, from what is stored for the periods and
  economies the file covers to what it brings.
Each is idempotent: a retried publication records the same release and
versions again, which changes nothing.
"""
import time

from observatory.clock import utcnow
from services.ingest import vintages


def observed_release_id(version):
    return f"publication-{version}"


def dataset_release_id(dataset_id):
    return f"dataset-{dataset_id}"


def _record(store, release_id, published_at, fields, before, after, pending=False):
    found = vintages.changes(before, after)
    release = store.vintages.record_release(release_id, vintages.stored_time(published_at),
                                            {**fields, "changes": vintages.tally(found)}, pending)
    store.vintages.record_versions(release, found, set(before))
    return release


def record_observed(store, entry, old_states, new_states, periods_after):
    """The release of a publication of observed quotes (``entry``: its log entry, with ``version``, ``at``,
    ``dataset_id`` or the reweighting it was): the figures of ``old_states`` → ``new_states``
    ({period: state}); ``periods_after``: every period state in force after it."""
    before, after = {}, {}
    for state in old_states.values():
        time.sleep(0)  # cooperative
        before.update(vintages.state_figures(state))
    for state in new_states.values():
        after.update(vintages.state_figures(state))
    reweighted = entry.get("reweighted_by")
    fields = {"dataset_id": entry.get("dataset_id") or reweighted,
              "kind": "bilateral-matrix" if reweighted else "rpw-quotes",
              "action": entry.get("action"), "version": entry["version"], "periods": dict(periods_after),
              "state_ids": sorted(periods_after.values()), "periods_changed": sorted(new_states)}
    return _record(store, observed_release_id(entry["version"]), entry["at"], fields, before, after)


def reconcile_observed(store, current):
    """The release of the publication in force, if a crash after its switch left it unrecorded."""
    if not current.get("version") or store.vintages.releases.find_one(
            {"_id": observed_release_id(current["version"])}, {"_id": 1}):
        return None
    entry = next((e for e in reversed(current.get("log") or []) if e.get("version") == current["version"]), None)
    if entry is None or "replaced" not in entry:
        return None
    old = store.publication.load_states(entry["replaced"].values())
    new = store.publication.load_states([current["periods"][p] for p in entry["periods"] if p in current["periods"]])
    return record_observed(store, entry, old, new, current["periods"])


def record_series(store, dataset_id, kind, series, corridors_by_period):
    """The release of a corridor series file (before it is written: pending until ``store.vintages.
    complete_release`` of its id): {period: {"SRC:DST": entry}}."""
    before, after = {}, {}
    for period, corridors in corridors_by_period.items():
        time.sleep(0)  # cooperative
        stored = store.series.series_in_period(period).get(series, {})
        for key in corridors:
            before.update(vintages.corridor_figures(series, period, key, stored.get(key)))
            after.update(vintages.corridor_figures(series, period, key, corridors[key]))
    # The file replaces the corridor-periods it has, whole: a USD 500 figure it no longer has is deleted.
    return _record(store, dataset_release_id(dataset_id), utcnow(),
                   {"dataset_id": dataset_id, "kind": kind, "action": "published",
                    "periods_changed": sorted(corridors_by_period)}, before, after, pending=True)


def record_country_flows(store, dataset_id, updates):
    """The release of a country-flows file (before it is written: pending, as ``record_series``'):
    {iso3: {"series.<name>": series}}; a series is replaced whole, so a year it no longer has is deleted."""
    stored = store.series.country_series(list(updates))
    before, after = {}, {}
    for iso3, fields in updates.items():
        time.sleep(0)  # cooperative
        for field, series in fields.items():
            name = field.split(".", 1)[1]
            before.update(vintages.country_series_figures(iso3, name, stored.get(iso3, {}).get(name) or {}))
            after.update(vintages.country_series_figures(iso3, name, series))
    return _record(store, dataset_release_id(dataset_id), utcnow(),
                   {"dataset_id": dataset_id, "kind": "country-flows", "action": "published",
                    "economies": len(updates)}, before, after, pending=True)
