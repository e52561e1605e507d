"""Keeping what ingest stores small, without losing what can still be read.

What reads staged corridor-periods:
- the corridor read, for the corridor-periods in force (the publication
  points at period states, which name each corridor's dataset);
- publishing a dataset again (``operator_review.publish_dataset``): it reads
  the dataset's staged figures; its quotes are then the ones in force;
- the review of a new file, for the quotes it would remove;
- the corridor read's ``other_datasets``: the datasets staged for it.

So every dataset that can be published (completed, rejected, held for review)
keeps all its quotes. How they are kept (``store_publication``):
- a corridor-period in force: a staged document with its rows packed; its
  figures are computed from the rows when read, as staging computed them
  (period states hold what lists and indicators need);
- a corridor-period of a published or rejected dataset that is not in force:
  moved into the dataset's one archive (all such rows in one compressed blob);
- the dataset's firms and raw file: compressed once it is settled.
A key moves between the two homes by writing the new one before deleting the
old, and readers look in both: a read never misses, whatever runs at once.
What nothing can read is deleted: the staged quotes of a failed dataset (it
cannot be published) and period states neither the publication nor any
release (a vintage, ``releases``) points at.
"""
import datetime as dt
import time

from observatory.clock import utcnow
from services.ingest.keys import corridor_key, staged_id

SETTLED = ("completed", "rejected")  # nothing is staging or reviewing them now
UNPUBLISHABLE = ("failed",)
ORPHAN_GRACE_SECONDS = 600  # a flip inserts its states before it switches to them: leave young ones alone


def in_force_ids(states):
    """{staged id: dataset id} of the corridor-periods the period ``states`` ({period: state}) point at."""
    ids = {}
    for state in states.values():
        for key, entry in state.get("corridors", {}).items():
            source, destination = key.split(":")
            ids[staged_id(entry["dataset_id"], corridor_key(state["period"], source, destination))] = entry["dataset_id"]
    return ids


def archive_out_of_force(store, dataset_id, force, pause):
    """Move the dataset's corridor-periods not in force into its archive."""
    staged = store.publication
    if all(i in force for i in staged.staged_ids(dataset_id)):
        return 0
    pause()
    docs = staged.staged_docs_except(dataset_id, force)
    archive = staged.archive(dataset_id)
    rows_by_key = staged.archived_rows(dataset_id) if archive else {}
    for doc in docs:
        rows_by_key[corridor_key(doc["period"], doc["source"], doc["destination"])] = doc["quotes"]
    if not staged.write_archive(dataset_id, archive, rows_by_key, docs[0]["quote_fields"]):
        return 0  # another pruner wrote it meanwhile: next time
    staged.delete_staged([d["_id"] for d in docs], pause)  # now kept in the archive
    return len(docs)


def restore_in_force(store, dataset_id, force, pause):
    """Move the dataset's archived corridor-periods that are in force again (re-published) back out."""
    staged = store.publication
    archive = staged.archive(dataset_id)
    if archive is None:
        return 0
    rows_by_key = staged.archived_rows(dataset_id)
    back = [key for key in rows_by_key if staged_id(dataset_id, key) in force]
    if not back:
        return 0
    pause()
    for number, key in enumerate(back):
        if number % 20 == 0:
            pause()
        staged.restore_staged(dataset_id, key, archive["quote_fields"], rows_by_key[key])
    remaining = {k: v for k, v in rows_by_key.items() if k not in back}
    if not remaining:
        staged.drop_archive(dataset_id, archive["version"])
    else:
        staged.write_archive(dataset_id, archive, remaining, archive["quote_fields"])
    return len(back)


def compress_settled(store, dataset_id, pause=lambda: None):
    """Firms and raw chunks of a settled dataset, compressed (read back by ``store.datasets.firms_of`` and
    ``uploads``). Not in a thread pool: its threads' heaps would cost more memory than is saved."""
    store.datasets.pack_firms(dataset_id)
    compressed = store.files.compress_dataset_chunks(dataset_id, pause)
    store.datasets.mark_compressed(dataset_id)
    return compressed


def prune(store, now=None, pause=lambda: None):
    """Archive what is not in force, restore what is again, compress settled
    datasets' firms and files, delete what nothing reads. Safe to run at any
    time and more than once. Returns the counts of what it did."""
    force = in_force_ids(store.publication.published_states())
    counts = {"archived": 0, "restored": 0, "chunks_compressed": 0, "deleted": 0, "states_deleted": 0}
    settled = store.datasets.ids_with_status(SETTLED, kind="rpw-quotes")
    staged_datasets = store.publication.staged_dataset_ids()
    archived_datasets = store.publication.archived_dataset_ids()
    for dataset_id in settled:
        pause()
        if dataset_id in archived_datasets:
            counts["restored"] += restore_in_force(store, dataset_id, force, pause)
        if dataset_id in staged_datasets:
            counts["archived"] += archive_out_of_force(store, dataset_id, force, pause)
    for dataset_id in store.datasets.not_yet_compressed(SETTLED + UNPUBLISHABLE):
        pause()
        counts["chunks_compressed"] += compress_settled(store, dataset_id, pause)
    counts["deleted"] = store.publication.delete_staged_of(store.datasets.ids_with_status(UNPUBLISHABLE))
    counts["states_deleted"] = delete_orphan_states(store, now)
    return counts


def delete_orphan_states(store, now=None):
    """Period states no publication points at (a flip that lost a race or
    crashed after inserting them), once older than the grace period."""
    time.sleep(0)
    cutoff = (now or utcnow()) - dt.timedelta(seconds=ORPHAN_GRACE_SECONDS)
    return store.publication.delete_unreferenced_states(cutoff, store.vintages.state_ids_kept())
