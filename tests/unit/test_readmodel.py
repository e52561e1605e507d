"""The gateway's read model: cached answers, and never a stale one as current."""
from gateway.readmodel import PublishedReads


def test_a_repeated_read_is_served_from_the_cache_until_an_invalidation():
    reads, calls = PublishedReads(), []

    def compute():
        calls.append(1)
        return {"average_total_cost_pct": 5.37, "call": len(calls)}

    first = reads.read(("corridor", "ARE", "NPL", None), compute)
    again = reads.read(("corridor", "ARE", "NPL", None), compute)
    assert (first[2], again[2]) == (False, True) and again[:2] == first[:2] and len(calls) == 1
    reads.invalidate("0123456789abcdef")
    fresh = reads.read(("corridor", "ARE", "NPL", None), compute)
    assert fresh[2] is False and fresh[1] != first[1] and len(calls) == 2


def test_an_answer_computed_across_an_invalidation_is_not_kept_as_current():
    reads = PublishedReads()

    def compute_while_an_import_publishes():
        reads.invalidate("0123456789abcdef")  # the event arrives while the old figures are on their way
        return {"average_total_cost_pct": 5.37}

    reads.read(("indicators", None), compute_while_an_import_publishes)
    assert reads.get(("indicators", None)) is None


def test_a_dataset_first_seen_completed_invalidates_once():
    reads = PublishedReads()
    reads.read(("indicators", None), lambda: {"x": 1})
    reads.saw_dataset({"id": "0123456789abcdef", "status": "processing"})
    assert reads.get(("indicators", None)) is not None
    reads.saw_dataset({"id": "0123456789abcdef", "status": "completed"})
    assert reads.get(("indicators", None)) is None
    reads.read(("indicators", None), lambda: {"x": 2})
    reads.saw_dataset({"id": "0123456789abcdef", "status": "completed"})  # polled again: nothing new
    assert reads.get(("indicators", None)) is not None


def test_the_cache_is_bounded():
    reads = PublishedReads(max_entries=3)
    for n in range(5):
        reads.read(("country", n), lambda: {"n": 1})
    assert len(reads.entries) == 3 and reads.get(("country", 0)) is None
