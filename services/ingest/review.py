"""What an operator does with a staged dataset: publish it (a dataset held
for review, or an earlier one to restore its figures exactly) or reject it.
A dataset of a kind that is not staged (series, matrices, country flows) can
be published or rejected only while it is held for review (its records wait
in ``held``); once published it is part of what is stored."""
import uuid

from observatory.clock import utcnow
from observatory.errors import Conflict, NotFound
from observatory.outbox import with_outbox
from services.ingest import held, publication
from services.ingest.importer import dataset_published_event
from services.ingest.indicators import DEFAULT_WEIGHT_LAG_YEARS
from services.ingest.loaders import LOADERS, firms_observed
from services.ingest.models import Dataset
from services.ingest.pruning import dataset_firms

PUBLISHABLE = ("needs_review", "completed", "rejected")


def _staged_dataset(dataset_id, action):
    dataset = Dataset._get_collection().find_one({"_id": dataset_id}, {"outbox": 0, "errors": 0})
    if dataset is None:
        raise NotFound("no such dataset", {"id": dataset_id})
    if dataset["kind"] != "rpw-quotes" and dataset["status"] != "needs_review":
        raise Conflict(f"only rpw-quotes datasets are staged; a {dataset['kind']} dataset is applied when imported",
                       {"id": dataset_id, "kind": dataset["kind"]})
    if dataset["status"] not in PUBLISHABLE:
        raise Conflict(f"a {dataset['status']} dataset cannot be {action}", {"id": dataset_id,
                                                                            "status": dataset["status"]})
    return dataset


def publish_dataset(dataset_id, requested_by="operator", weight_lag_years=DEFAULT_WEIGHT_LAG_YEARS):
    """Publish every corridor-period of the dataset, in one step."""
    dataset = _staged_dataset(dataset_id, "published")
    if dataset["kind"] != "rpw-quotes":
        return _publish_held(dataset, requested_by, weight_lag_years)
    republished = dataset["status"] == "completed"
    event = dataset_published_event(dataset, dataset, {**(dataset.get("summary") or {}), "republished": republished,
                                                        "phase": "completed"})
    events = [event] + ([] if republished else firms_observed(dataset_id, dataset_firms(dataset)))
    result = publication.publish(dataset_id, f"publish:{dataset_id}:{uuid.uuid4().hex}",
                                 "republished" if republished else "published after review", events,
                                 weight_lag_years=weight_lag_years)
    Dataset._get_collection().update_one({"_id": dataset_id}, {
        "$set": {"status": "completed", "published_at": utcnow(), "summary.phase": "completed",
                 "review.decision": {"action": "published", "by": requested_by, "at": utcnow().isoformat()}}})
    return {"id": dataset_id, "status": "completed", "republished": republished, "version": result["version"],
            "periods": result["periods"], "corridors_changed": result["corridors_changed"]}


def _publish_held(dataset, requested_by, weight_lag_years):
    """Write the held records as the import would have, and announce them."""
    loader = LOADERS[dataset["kind"]](dataset["_id"], year=dataset.get("year"), weight_lag_years=weight_lag_years,
                                      rules=False)
    for _, record in held.held(dataset["_id"]):
        loader.add(record)
    outcome = loader.commit()
    summary = {**outcome.summary, "phase": "completed"}
    event = dataset_published_event(dataset, dataset, {**summary, "republished": False})
    done = {"$set": {"status": "completed", "published_at": utcnow(), "summary": summary,
                     "review.decision": {"action": "published", "by": requested_by, "at": utcnow().isoformat()}}}
    Dataset._get_collection().update_one({"_id": dataset["_id"], "status": "needs_review"},
                                         with_outbox(done, event, *outcome.events))
    held.release(dataset["_id"])
    return {"id": dataset["_id"], "status": "completed", "republished": False,
            "version": publication.current()["version"], "periods": outcome.summary.get("periods", []),
            "corridors_changed": 0}


def reject_dataset(dataset_id, requested_by="operator"):
    dataset = _staged_dataset(dataset_id, "rejected")
    if dataset["status"] != "needs_review":
        raise Conflict("only a dataset held for review can be rejected", {"id": dataset_id,
                                                                         "status": dataset["status"]})
    Dataset._get_collection().update_one({"_id": dataset_id, "status": "needs_review"}, {
        "$set": {"status": "rejected", "summary.phase": "rejected",
                 "review.decision": {"action": "rejected", "by": requested_by, "at": utcnow().isoformat()}}})
    if dataset["kind"] != "rpw-quotes":
        held.release(dataset_id)  # never published: its records go
    return {"id": dataset_id, "status": "rejected"}
