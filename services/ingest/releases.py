"""Each publication recorded as a release, with the figures it changed
(``vintages`` decides, ``store_vintages`` keeps).

- observed quotes (and a matrix's reweighting): after the publication
  switched to its new period states, from the states it replaced to the new
  ones (the replaced states are kept: an earlier release names them);
  its provider quotes (RPW_PRICES) compared only where a corridor-period
  points at another dataset's quotes;
- corridor series (official, derived), country flows and bilateral matrices:
  before their records are written over, from what is stored for the
  periods, economies and matrix rows the file covers to what it brings;
- a national submission: before its observations are written, from the
  published ones it touches to what it brings (``national_publication``).
Each is idempotent: a retried publication records the same release and
versions again, which changes nothing.
"""
import time

from observatory.clock import utcnow
from services.ingest import vintages
from services.ingest.keys import corridor_key

PRICE_BATCH = 50  # corridor-periods whose staged quotes are read in one query


def observed_release_id(version):
    return f"publication-{version}"


def dataset_release_id(dataset_id):
    return f"dataset-{dataset_id}"


def _record(store, release_id, published_at, fields, before, after, covered=None, more=(), pending=False):
    """Record the release and the versions of ``before`` → ``after``; ``more``: further (before, after)
    pairs, decided and written one at a time (a publication's quotes: one corridor-period's each), so what
    is held is one part's figures, not the publication's. ``pending``: see ``store_vintages``."""
    found = vintages.changes(before, after, covered)
    counts = vintages.tally(found)
    release = store.vintages.record_release(release_id, vintages.stored_time(published_at),
                                            {**fields, "changes": counts}, pending)
    closing = store.vintages.insert_versions(release, found, set(before))
    for part_before, part_after in more:
        part = vintages.changes(part_before, part_after)
        for flow, keys in store.vintages.insert_versions(release, part, set(part_before)).items():
            closing.setdefault(flow, set()).update(keys)  # closed once: a scan per part costs the whole store
        for flow, actions in vintages.tally(part).items():
            for action, n in actions.items():
                counts.setdefault(flow, {vintages.REPLACE: 0, vintages.DELETE: 0})[action] += n
    store.vintages.close_versions(release, closing)
    if more:
        store.vintages.set_changes(release_id, counts)
    return release


def _price_parts(store, old_states, new_states):
    """(before, after) of the RPW_PRICES figures of each corridor-period whose quotes changed: the ones the
    new states point at another dataset's quotes (a reweighting changes none), lazily, one at a time."""
    for period, state in sorted(new_states.items()):
        old = (old_states.get(period) or {}).get("corridors") or {}
        new = state.get("corridors") or {}
        changed = sorted(k for k in set(old) | set(new)
                         if (old.get(k) or {}).get("dataset_id") != (new.get(k) or {}).get("dataset_id"))
        for start in range(0, len(changed), PRICE_BATCH):
            time.sleep(0)  # cooperative
            keys = changed[start:start + PRICE_BATCH]
            wanted = [(entries[k]["dataset_id"], corridor_key(period, *k.split(":")))
                      for entries in (old, new) for k in keys if k in entries]
            docs = store.publication.staged_docs(wanted)
            for key in keys:
                yield tuple(_quote_figures(docs, period, key, entries) for entries in (old, new))


def _quote_figures(docs, period, key, entries):
    entry = entries.get(key)
    doc = docs.get((entry["dataset_id"], corridor_key(period, *key.split(":")))) if entry else None
    return vintages.price_figures(period, key, doc["quote_fields"], doc["quotes"]) if doc else {}


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
    return _record(store, observed_release_id(entry["version"]), entry["at"], fields, before, after,
                   more=_price_parts(store, old_states, new_states))


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


def record_matrix(store, dataset_id, rows):
    """The release of a bilateral-matrix file (before its rows are written): {"<year>:<sender>": row}; a row
    is replaced whole, so a receiver it no longer has is deleted."""
    stored = store.series.matrix_rows(list(rows))
    before, after = {}, {}
    for key, row in rows.items():
        time.sleep(0)  # cooperative
        before.update(vintages.matrix_figures(stored.get(key)))
        after.update(vintages.matrix_figures(row))
    return _record(store, dataset_release_id(dataset_id), utcnow(),
                   {"dataset_id": dataset_id, "kind": "bilateral-matrix", "action": "published",
                    "matrix_years": sorted({int(r["year"]) for r in rows.values()}),
                    "periods_changed": sorted({str(r["year"]) for r in rows.values()})}, before, after, pending=True)


NATIONAL_RELEASE = "national-"


def national_release_id(submission_id):
    return f"{NATIONAL_RELEASE}{submission_id}"


def submission_of(release_id):
    """The national submission a release published (None for another release)."""
    return release_id[len(NATIONAL_RELEASE):] if release_id.startswith(NATIONAL_RELEASE) else None


def record_national(store, submission, before, after, published_at):
    """The release of a national submission: ``before`` the published observations it touches, ``after``
    what they become (SDMX observations each; a deleted one absent)."""
    old, new = {}, {}
    for observation in before:
        old.update(vintages.national_figure(observation))
    for observation in after:
        new.update(vintages.national_figure(observation))
    return _record(store, national_release_id(submission["_id"]), published_at,
                   {"dataset_id": None, "kind": "national", "action": "published", "submission_id": submission["_id"],
                    "reporter_id": submission.get("reporter_id"), "country": submission["country"],
                    "periods_changed": sorted(submission.get("periods") or [])}, old, new, pending=True)
