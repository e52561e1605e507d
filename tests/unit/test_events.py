import uuid

import pytest

from observatory.errors import InvalidMessage
from observatory.events import new_event, parse_event


def test_new_event_carries_the_envelope_fields():
    event = new_event("dataset.published", "ingest", {"dataset_id": "d1"})
    assert set(event) == {"event_id", "type", "occurred_at", "source", "data"}
    uuid.UUID(event["event_id"])
    assert event["occurred_at"].endswith("+00:00")
    parsed = parse_event(event)
    assert parsed["event_id"] == event["event_id"] and parsed["data"] == {"dataset_id": "d1"}
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
