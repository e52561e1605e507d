"""What changes the published views, as plain decisions: which event
announces which change to the read model, and which change a write through
the gateway waits for before it answers (its writer's next read is then
fresh: read-your-write, kept by the event the write causes).

A change is named by a key: ``("dataset", id)``, ``("provider", id)``,
``("practice", id)``, ``("import", dataset id)`` (one import's firms).
"""
import datetime as dt

from gateway import national
from observatory.contracts.events import one_of_a_batch

# A dataset published this long before the read model started may have been
# announced to the process before it (the clocks of two machines differ too).
CLOCK_MARGIN = dt.timedelta(seconds=60)


def dataset_change(dataset_id):
    return ("dataset", dataset_id)


def provider_change(provider_id):
    return ("provider", provider_id)


def practice_change(practice_id):
    return ("practice", practice_id)


def change_announced_by(event_type, data):
    """``(key, once)`` of the change an event announces, or None for none.
    ``once``: the key announced before is the same change (a redelivered
    first publication); a republication is a change of its own. A provider
    event one import's firms caused announces nothing: the one
    ``providers.changed`` after them stands for all of them."""
    data = data if isinstance(data, dict) else {}
    if event_type == "dataset.published":
        return dataset_change(data.get("dataset_id")), not data.get("republished")
    if event_type == "providers.changed":
        return ("import", data.get("dataset_id")), False
    if event_type in ("provider.registered", "provider.updated"):
        return None if one_of_a_batch(event_type, data) else (provider_change(data.get("provider_id")), False)
    if event_type in ("practice.published", "practice.updated"):
        return practice_change(data.get("practice_id")), False
    if event_type in ("national.published", "national.embargoed"):
        return national.change_announced(event_type, data)
    return None


def provider_edit_announced(answer, expected_version):
    """An edit announces itself (``provider.updated``) only when it changed
    something: the catalog answers an edit that changes nothing with the
    version it was made against."""
    return answer.get("version", 0) > expected_version


def dataset_answer_waits(answer, announced, started_at):
    """Whether a dataset answer is to wait for the views built after the
    dataset's ``dataset.published``: only one showing it completed, and only
    if views kept may predate its publication: its event has reached this
    read model (``announced``: its release may still be building), or it was
    published after the read model started (before that, no view was kept)."""
    if answer.get("status") != "completed" or not answer.get("id"):
        return False
    if announced:
        return True
    try:
        published_at = dt.datetime.fromisoformat(str(answer.get("published_at")))
    except ValueError:
        return True  # no time to go by: wait for the event, as for a new one
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=dt.timezone.utc)
    return published_at >= started_at - CLOCK_MARGIN
