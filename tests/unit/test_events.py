import uuid

import pytest

from observatory.errors import InvalidMessage
from observatory.events import new_event, parse_event


def test_new_event_carries_the_envelope_fields():
    event = new_event("counter.bumped", "tests", {"counter_id": "c1"})  # a type without a contract
    assert set(event) == {"event_id", "type", "occurred_at", "source", "data"}
    uuid.UUID(event["event_id"])
    assert event["occurred_at"].endswith("+00:00")
    parsed = parse_event(event)
    assert parsed["event_id"] == event["event_id"] and parsed["data"] == {"counter_id": "c1"}
    assert parsed["occurred_at"].tzinfo is not None


@pytest.mark.parametrize("broken", [
    {"type": "dataset.published", "source": "ingest", "data": {}, "occurred_at": "2026-01-01T00:00:00+00:00"},
    {"event_id": "not-a-uuid", "type": "x.y", "source": "s", "data": {}, "occurred_at": "2026-01-01T00:00:00+00:00"},
    {"event_id": str(uuid.uuid4()), "type": "x.y", "source": "s", "data": {}, "occurred_at": "2026-01-01T00:00:00"},
    {"event_id": str(uuid.uuid4()), "type": "NoDots", "source": "s", "data": {}, "occurred_at": "2026-01-01T00:00:00Z"},
    {"event_id": str(uuid.uuid4()), "type": "x.y", "source": "s", "data": [], "occurred_at": "2026-01-01T00:00:00Z"},
    {"event_id": str(uuid.uuid4()), "type": "x.y", "source": "s", "data": {}, "occurred_at": "2026-01-01T00:00:00Z",
     "extra": 1},
    "not even a dict",
])
def test_malformed_envelopes_are_invalid_messages(broken):
    with pytest.raises(InvalidMessage) as caught:
        parse_event(broken)
    assert caught.value.details["errors"]


def test_new_event_refuses_a_bad_type():
    with pytest.raises(ValueError):
        new_event("Bad Type", "ingest", {})


CHANGED = {"source": "ARE", "destination": "NPL", "period": "2014Q1", "dataset_id": "0123456789abcdef",
           "average_total_cost_pct": 5.37, "smart_average_pct": 3.1, "quotes_transparent": 18,
           "revised_from_pct": None, "previous_period": "2013Q4", "previous_period_average_pct": 5.2}


def test_a_producer_cannot_put_an_event_that_breaks_its_contract_in_an_outbox():
    assert new_event("corridor.cost.changed", "ingest", CHANGED)["data"] == CHANGED
    for broken in ({**CHANGED, "period": "2014_1Q"}, {**CHANGED, "colour": "blue"},
                   {k: v for k, v in CHANGED.items() if k != "average_total_cost_pct"}):
        with pytest.raises(ValueError, match="corridor.cost.changed"):
            new_event("corridor.cost.changed", "ingest", broken)
    with pytest.raises(ValueError):
        new_event("dataset.published", "ingest", {"dataset_id": "d1"})


def test_a_consumer_loads_with_the_same_contract_and_refuses_what_breaks_it():
    event = new_event("corridor.cost.changed", "ingest", CHANGED)
    assert parse_event(event)["data"]["average_total_cost_pct"] == 5.37
    tampered = {**event, "data": {**CHANGED, "source": "NPL\n"}}
    with pytest.raises(InvalidMessage):
        parse_event(tampered)
