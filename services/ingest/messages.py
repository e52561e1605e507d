"""Every message ingest emits, built here and checked against its contract
(``observatory/contracts/events.py``): the ``dataset.import`` command on its
own work queue, and the events ``dataset.published``, ``corridor.cost.changed``
and ``firms.observed``."""
from observatory.events import Producer

SOURCE = "ingest"
IMPORT_COMMAND = "dataset.import"  # a command on ingest's own work queue, not a public event
NATIONAL_VALIDATE_COMMAND = "national.validate"  # likewise: validate a national submission received

_producer = Producer(SOURCE)


def import_requested(dataset_id):
    """The job that imports a dataset once its upload is complete."""
    return _producer.event(IMPORT_COMMAND, {"dataset_id": dataset_id})


def national_validation_requested(submission_id):
    """The job that parses and validates a national submission once it is received."""
    return _producer.event(NATIONAL_VALIDATE_COMMAND, {"submission_id": submission_id})


def dataset_published(dataset, tallies, summary):
    """A whole dataset is published: its identity, tallies (``rows_*``) and summary."""
    return _producer.event("dataset.published", {
        "dataset_id": dataset["_id"], "kind": dataset["kind"], "filename": dataset.get("filename"),
        "sha256": dataset["sha256"], "rows_total": tallies["rows_total"],
        "rows_accepted": tallies["rows_accepted"], "rows_rejected": tallies["rows_rejected"], **summary})


def with_corridors_changed(envelope, changed):
    """dataset.published says how many corridor-periods it moved (known only once it is published)."""
    if envelope["type"] != "dataset.published":
        return envelope
    return {**envelope, "data": {**envelope["data"], "corridors_changed": changed}}


def corridor_cost_changed(change):
    """A corridor-period's observed average is new or moved (``publication_plan.corridor_changes``)."""
    return _producer.event("corridor.cost.changed", change)


def firms_observed(dataset_id, firms):
    """The firms a dataset of quotes names, for the catalog; nothing when it names none."""
    return [_producer.event("firms.observed", {"dataset_id": dataset_id, "firms": firms})] if firms else []


def national_published(submission, observations, revised, deleted, embargo_until, published_at):
    """A reporting institution's submission is published: which country, which periods, how much changed."""
    return _producer.event("national.published", {
        "submission_id": submission["_id"], "reporter_id": submission["reporter_id"],
        "country": submission["country"], "periods": submission.get("periods", []), "observations": observations,
        "revised": revised, "deleted": deleted, "embargo_until": embargo_until, "published_at": published_at})


def national_embargoed(submission, release_at):
    """A submission is to be published at ``release_at`` (the release calendar shows it; no figure)."""
    return _producer.event("national.embargoed", {
        "submission_id": submission["_id"], "reporter_id": submission["reporter_id"],
        "country": submission["country"], "periods": submission.get("periods", []), "release_at": release_at})
