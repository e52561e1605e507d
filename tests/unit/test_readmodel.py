"""The gateway's read model: kept answers, replaced whole by a release, and
never a stale one kept as current."""
import eventlet

from gateway.changes import provider_change
from gateway.readmodel import Incomplete, PublishedReads
from observatory.clock import utcnow
from observatory.errors import NotFound, ServiceUnavailable

CORRIDOR, COUNTRY = ("corridor", "ARE", "NPL", None), ("country", "NPL")
DATASET = "0123456789abcdef"


class Ingest:
    """What the recipes ask: the release ingest has published, and each call."""

    def __init__(self):
        self.release, self.calls, self.hook = 1, [], None

    def answer(self, key):
        self.calls.append(key)
        if self.hook:
            self.hook(key)
        return {"view": list(key), "release": self.release}


def recipe(key):
    return lambda sources: sources.answer(key)


def release_of(reads, key):
    body, _ = reads.get(key)
    return int(body.decode().rsplit('"release":', 1)[1].rstrip("}"))


def test_a_repeated_read_is_served_from_the_read_model_until_a_release_replaces_it():
    reads, ingest = PublishedReads(), Ingest()
    first = reads.read(CORRIDOR, recipe(CORRIDOR), ingest)
    again = reads.read(CORRIDOR, recipe(CORRIDOR), ingest)
    assert (first[2], again[2]) == (False, True) and again[:2] == first[:2] and len(ingest.calls) == 1
    ingest.release = 2
    assert reads.replace(ingest, "0123456789abcdef") is True
    fresh = reads.read(CORRIDOR, recipe(CORRIDOR), ingest)
    assert fresh[2] is True and fresh[1] != first[1] and release_of(reads, CORRIDOR) == 2  # rebuilt, not asked on read
    assert len(ingest.calls) == 2


def test_the_old_views_are_served_until_every_new_one_is_ready():
    reads, ingest = PublishedReads(), Ingest()
    reads.read(CORRIDOR, recipe(CORRIDOR), ingest)
    reads.read(COUNTRY, recipe(COUNTRY), ingest)  # read last: rebuilt first
    seen_meanwhile = []

    def while_rebuilding(key):
        if key == CORRIDOR:  # the country's new view is built by now, the corridor's not yet
            seen_meanwhile.append((release_of(reads, COUNTRY), release_of(reads, CORRIDOR)))

    ingest.release, ingest.hook = 2, while_rebuilding
    assert reads.replace(ingest) is True
    assert seen_meanwhile == [(1, 1)]
    assert (release_of(reads, COUNTRY), release_of(reads, CORRIDOR)) == (2, 2) and reads.releases == 1


def test_a_deadline_while_rebuilding_keeps_the_old_views_and_the_retry_completes():
    reads, ingest = PublishedReads(rebuild_pause=0.01), Ingest()
    reads.read(CORRIDOR, recipe(CORRIDOR), ingest)
    reads.read(COUNTRY, recipe(COUNTRY), ingest)

    def ingest_is_busy(key):
        if key == CORRIDOR:
            raise ServiceUnavailable("ingest did not answer corridor within 2 s")

    ingest.release, ingest.hook = 2, ingest_is_busy
    assert reads.replace(ingest) is False
    assert reads.behind() and (release_of(reads, COUNTRY), release_of(reads, CORRIDOR)) == (1, 1)
    ingest.hook = None  # ingest answers again: the gateway's timer catches up
    assert reads.catch_up(ingest, wait=False) is True
    assert not reads.behind() and (release_of(reads, COUNTRY), release_of(reads, CORRIDOR)) == (2, 2)


def test_a_deadline_missed_once_while_rebuilding_is_asked_again_and_the_release_completes():
    reads, ingest = PublishedReads(rebuild_pause=0.01), Ingest()
    reads.read(CORRIDOR, recipe(CORRIDOR), ingest)
    reads.read(COUNTRY, recipe(COUNTRY), ingest)
    late = []

    def ingest_is_late_once(key):
        if key == CORRIDOR and not late:
            late.append(key)
            raise ServiceUnavailable("ingest did not answer corridor within 2 s")

    ingest.release, ingest.hook = 2, ingest_is_late_once
    assert reads.replace(ingest) is True and late == [CORRIDOR]
    assert (release_of(reads, COUNTRY), release_of(reads, CORRIDOR)) == (2, 2) and reads.releases == 1


def test_an_incomplete_answer_while_rebuilding_keeps_the_old_views_too():
    reads, ingest = PublishedReads(rebuild_pause=0.01), Ingest()
    reads.read(CORRIDOR, recipe(CORRIDOR), ingest)

    def catalog_is_busy(key):
        raise Incomplete({"catalog": "unavailable"})

    ingest.release, ingest.hook = 2, catalog_is_busy
    assert reads.replace(ingest) is False and release_of(reads, CORRIDOR) == 1


def test_a_view_whose_answer_is_now_an_error_is_dropped_at_the_release():
    reads, ingest = PublishedReads(), Ingest()
    reads.read(CORRIDOR, recipe(CORRIDOR), ingest)
    reads.read(COUNTRY, recipe(COUNTRY), ingest)

    def corridor_gone(key):
        if key == CORRIDOR:
            raise NotFound("no such corridor")

    ingest.release, ingest.hook = 2, corridor_gone
    assert reads.replace(ingest) is True
    assert reads.get(CORRIDOR) is None and release_of(reads, COUNTRY) == 2


def test_changes_during_a_rebuild_are_one_more_rebuild_not_one_each():
    reads, ingest = PublishedReads(), Ingest()
    reads.read(CORRIDOR, recipe(CORRIDOR), ingest)

    def burst_of_catalog_changes(key):
        ingest.hook = None
        for _ in range(300):  # other workers' events, while this one rebuilds
            assert reads.replace(ingest, wait=False) is False

    ingest.release, ingest.hook = 2, burst_of_catalog_changes
    assert reads.replace(ingest) is True
    assert reads.releases == 2 and len(ingest.calls) == 3 and not reads.behind()


def test_a_worker_that_asks_while_another_rebuilds_waits_for_that_rebuild():
    reads, ingest = PublishedReads(), Ingest()
    reads.read(CORRIDOR, recipe(CORRIDOR), ingest)
    ingest.release, ingest.hook = 2, lambda key: eventlet.sleep(0.05)
    rebuilding = eventlet.spawn(reads.replace, ingest)
    eventlet.sleep(0.01)  # the first worker is inside its rebuild
    assert reads.replace(ingest) is True  # its own change: picked up by the running rebuild
    assert rebuilding.wait() is True and reads.releases == 2 and release_of(reads, CORRIDOR) == 2


def test_an_answer_computed_across_a_change_is_not_kept_as_current():
    reads, ingest = PublishedReads(), Ingest()

    def compute_while_an_import_publishes(sources):
        reads.announce("0123456789abcdef")  # the event arrives while the old figures are on their way
        return {"average_total_cost_pct": 5.37}

    reads.read(("indicators", None), compute_while_an_import_publishes, ingest)
    assert reads.get(("indicators", None)) is None


def test_a_dataset_seen_completed_is_answered_once_its_event_is_served_and_is_one_release():
    reads, ingest = PublishedReads(), Ingest()
    reads.read(COUNTRY, recipe(COUNTRY), ingest)
    reads.await_dataset({"id": DATASET, "status": "processing"})
    assert reads.releases == 0
    ingest.release = 2
    completed = {"id": DATASET, "status": "completed", "published_at": utcnow().isoformat()}
    eventlet.spawn_after(0.05, reads.on_event, "dataset.published", {"dataset_id": DATASET}, ingest)
    reads.await_dataset(completed)  # the operator's poll waits for the dataset.published on its way
    assert reads.releases == 1 and release_of(reads, COUNTRY) == 2  # the read right after is fresh
    reads.await_dataset(completed)  # polled again: nothing new
    reads.on_event("dataset.published", {"dataset_id": DATASET}, ingest)  # its event, delivered again
    assert reads.releases == 1
    reads.on_event("dataset.published", {"dataset_id": DATASET, "republished": True}, ingest)  # published again
    assert reads.releases == 2


def test_a_write_answers_once_the_views_built_after_its_own_event_are_served():
    reads, ingest = PublishedReads(), Ingest()
    reads.read(CORRIDOR, recipe(CORRIDOR), ingest)
    since = reads.changes_announced()  # taken before the write

    def events_after_the_write():
        ingest.release = 2
        reads.on_event("provider.updated", {"provider_id": "moneygram", "by": "operator:c2"}, ingest)  # another's
        eventlet.sleep(0.05)  # the writer sees that one first: not its own
        ingest.release = 3
        reads.on_event("provider.updated", {"provider_id": "western-union", "by": "provider:c1"}, ingest)

    eventlet.spawn(events_after_the_write)
    assert reads.await_change(provider_change("western-union"), since) is True
    assert release_of(reads, CORRIDOR) == 3


def test_a_write_whose_event_does_not_come_answers_without_a_release():
    reads, ingest = PublishedReads(), Ingest()
    reads.read(CORRIDOR, recipe(CORRIDOR), ingest)
    ingest.release = 2
    assert reads.await_change(provider_change("western-union"), reads.changes_announced(), timeout=0) is False
    assert reads.releases == 0 and release_of(reads, CORRIDOR) == 1


def test_one_imports_provider_events_are_one_release_with_its_providers_changed():
    reads, ingest = PublishedReads(), Ingest()
    reads.read(CORRIDOR, recipe(CORRIDOR), ingest)
    by = f"ingest:{DATASET}"
    reads.on_event("provider.registered", {"provider_id": "sigue", "origin": "observed"}, ingest)
    reads.on_event("provider.updated", {"provider_id": "western-union", "by": by}, ingest)
    assert reads.releases == 0
    reads.on_event("providers.changed", {"dataset_id": DATASET, "providers": 2}, ingest)
    assert reads.releases == 1


def test_the_read_model_is_bounded():
    reads, ingest = PublishedReads(max_entries=3), Ingest()
    for n in range(5):
        reads.read(("country", n), recipe(("country", n)), ingest)
    assert len(reads.entries) == 3 and reads.get(("country", 0)) is None
