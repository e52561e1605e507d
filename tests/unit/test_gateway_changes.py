"""Which event announces which change to the gateway's read model, and which
dataset answer waits for its release (gateway/changes.py: plain decisions)."""
import datetime as dt

from gateway.changes import (
    change_announced_by,
    dataset_answer_waits,
    dataset_change,
    practice_change,
    provider_change,
    provider_edit_announced,
)

DATASET = "0123456789abcdef"
STARTED = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.timezone.utc)


def test_each_event_announces_the_change_of_what_it_names():
    assert change_announced_by("dataset.published", {"dataset_id": DATASET}) == (dataset_change(DATASET), True)
    assert change_announced_by("dataset.published", {"dataset_id": DATASET, "republished": True}) == (
        dataset_change(DATASET), False)  # a republication is a change of its own
    assert change_announced_by("provider.updated", {"provider_id": "western-union", "by": "provider:c1"}) == (
        provider_change("western-union"), False)
    assert change_announced_by("provider.registered", {"provider_id": "transfast-2", "origin": "split"}) == (
        provider_change("transfast-2"), False)
    assert change_announced_by("practice.published", {"practice_id": "mobile-money-channels"}) == (
        practice_change("mobile-money-channels"), False)
    assert change_announced_by("providers.changed", {"dataset_id": DATASET, "providers": 3}) == (
        ("import", DATASET), False)


def test_an_imports_own_provider_events_announce_nothing_its_providers_changed_does():
    assert change_announced_by("provider.registered", {"provider_id": "sigue", "origin": "observed"}) is None
    assert change_announced_by("provider.updated", {"provider_id": "sigue", "by": f"ingest:{DATASET}"}) is None
    assert change_announced_by("corridor.cost.changed", {"dataset_id": DATASET}) is None
    assert change_announced_by("dataset.published", None) == (dataset_change(None), True)  # no data: no id


def test_an_edit_announces_itself_only_when_it_changed_the_entry():
    assert provider_edit_announced({"id": "western-union", "version": 4}, 3)
    assert not provider_edit_announced({"id": "western-union", "version": 3}, 3)  # nothing changed


def completed(published_at):
    return {"id": DATASET, "status": "completed", "published_at": published_at}


def test_only_a_completed_dataset_published_since_the_read_model_started_waits():
    assert dataset_answer_waits(completed("2026-12-02T03:05:00+00:00"), False, STARTED)
    assert dataset_answer_waits(completed("2026-12-02T02:59:30+00:00"), False, STARTED)  # within the clocks' margin
    assert not dataset_answer_waits(completed("2026-12-01T10:00:00+00:00"), False, STARTED)  # before: nothing kept
    assert dataset_answer_waits(completed("2026-12-01T10:00:00+00:00"), True, STARTED)  # its release may be building
    assert dataset_answer_waits(completed(None), False, STARTED)  # no time to go by
    for status in ("queued", "processing", "needs_review", "rejected", "failed"):
        assert not dataset_answer_waits({**completed("2026-12-02T03:05:00+00:00"), "status": status}, True, STARTED)
