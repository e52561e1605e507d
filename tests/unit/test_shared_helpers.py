"""The shared helpers every service leans on: error names, leases, the clock."""
import datetime as dt

import mongomock
import pytest
from nameko.exceptions import deserialize, serialize

from observatory import errors, leases
from observatory.clock import iso, utcnow


def test_an_error_name_already_taken_is_refused():
    with pytest.raises(TypeError, match="NotFound is taken by observatory.errors"):
        type("NotFound", (errors.ObservatoryError,), {"__module__": "services.elsewhere"})


def test_every_service_error_crosses_rpc_as_itself():
    import gateway.exceptions  # noqa: F401  (each module defines and registers its errors)
    import services.catalog.exceptions  # noqa: F401
    import services.ingest.exceptions  # noqa: F401
    import services.notify.exceptions  # noqa: F401
    for cls in errors._BY_NAME.values():
        rebuilt = deserialize(serialize(cls("message", {"field": ["why"]})))
        assert type(rebuilt) is cls and rebuilt.status == cls.status and rebuilt.details == {"field": ["why"]}


def test_iso_writes_times_and_leaves_the_rest():
    moment = dt.datetime(2026, 12, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    assert iso(moment) == "2026-12-02T03:04:05+00:00"
    assert iso(None) is None and iso("2014Q1") == "2014Q1"
    assert utcnow().tzinfo is not None


@pytest.fixture
def items():
    collection = mongomock.MongoClient().db.items
    collection.insert_many([{"_id": n, "status": "free", "order": -n} for n in range(5)])
    return collection


def test_a_claim_goes_to_one_holder_only(items):
    free = {"status": "free"}
    first = leases.claim_many(items, free, "a:1", {"status": "held"}, size=2, order="order")
    assert [d["_id"] for d in first] == [4, 3]  # by order
    second = leases.claim_many(items, free, "b:1", {"status": "held"}, size=10, order="order")
    assert sorted(d["_id"] for d in second) == [0, 1, 2]
    assert leases.claim_many(items, free, "c:1", {"status": "held"}, size=10, order="order") == []
    assert leases.claim_one(items, {"_id": 4, **free}, "c:1", {"status": "held"}) is None
    assert items.count_documents(leases.held_by({}, "a:1")) == 2


def test_tokens_are_unique_and_name_their_worker():
    tokens = {leases.new_token("ingest") for _ in range(100)}
    assert len(tokens) == 100 and all(t.startswith("ingest:") for t in tokens)


def test_each_service_relays_exactly_its_outbox_documents():
    import services.catalog.service  # noqa: F401  (defines the documents)
    import services.ingest.service  # noqa: F401
    import services.notify.service  # noqa: F401
    from observatory.idempotency import outbox_documents
    assert [c.__name__ for c in outbox_documents("ingest")] == ["Dataset", "NationalSubmission", "Publication"]
    assert [c.__name__ for c in outbox_documents("catalog")] == ["ObservedBatch", "PeerRequest", "PlanTracking",
                                                             "Practice", "Provider"]
    assert outbox_documents("notify") == []  # notify emits nothing: its documents carry no outbox


def test_a_service_emits_only_what_it_is_declared_to_produce():
    from observatory.events import Producer
    ingest = Producer("ingest")
    assert ingest.event("dataset.import", {"dataset_id": "0123456789abcdef"})["source"] == "ingest"
    with pytest.raises(ValueError, match="ingest is not declared to produce practice.published"):
        ingest.event("practice.published", {})
    with pytest.raises(ValueError, match="invalid dataset.import"):
        ingest.event("dataset.import", {"dataset_id": "not an id"})
