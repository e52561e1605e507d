"""What an operator does with a staged dataset: publish it (a dataset held
for review, or an earlier one to restore its figures exactly) or reject it.
A dataset of a kind that is not staged (series, matrices, country flows) can
be published or rejected only while it is held for review (its records wait
in the store's held records); once published it is part of what is stored.

Whether an action is allowed and what it records are plain decisions
(``check_action``, ``decision``, ``republishing``); ``publish_dataset`` and
``reject_dataset`` apply them to the store."""
import uuid

from observatory.clock import utcnow
from observatory.errors import Conflict, NotFound
from services.ingest import messages, publication
from services.ingest.indicators import DEFAULT_WEIGHT_LAG_YEARS
from services.ingest.loaders import LOADERS

PUBLISHABLE = ("needs_review", "completed", "rejected")
STAGED_KIND = "rpw-quotes"


def check_action(dataset, dataset_id, action):
    """The dataset (a document, or None) if ``action`` ("published" or "rejected") may be taken on it;
    NotFound or Conflict saying why not."""
    if dataset is None:
        raise NotFound("no such dataset", {"id": dataset_id})
    if dataset["kind"] != STAGED_KIND and dataset["status"] != "needs_review":
        raise Conflict(f"only rpw-quotes datasets are staged; a {dataset['kind']} dataset is applied when imported",
                       {"id": dataset_id, "kind": dataset["kind"]})
    if dataset["status"] not in PUBLISHABLE:
        raise Conflict(f"a {dataset['status']} dataset cannot be {action}", {"id": dataset_id,
                                                                            "status": dataset["status"]})
    if action == "rejected" and dataset["status"] != "needs_review":
        raise Conflict("only a dataset held for review can be rejected", {"id": dataset_id,
                                                                         "status": dataset["status"]})
    return dataset


def republishing(dataset):
    """Publishing a completed dataset again restores its figures; its firms were announced the first time."""
    return dataset["status"] == "completed"


def decision(action, by, at):
    """What the dataset records of an operator's decision."""
    return {"action": action, "by": by, "at": at.isoformat()}


def publish_dataset(store, dataset_id, requested_by="operator", weight_lag_years=DEFAULT_WEIGHT_LAG_YEARS):
    """Publish every corridor-period of the dataset, in one step."""
    dataset = check_action(store.datasets.dataset(dataset_id), dataset_id, "published")
    if dataset["kind"] != STAGED_KIND:
        return _publish_held(store, dataset, requested_by, weight_lag_years)
    republished = republishing(dataset)
    event = messages.dataset_published(dataset, dataset, {**(dataset.get("summary") or {}),
                                                          "republished": republished, "phase": "completed"})
    firms = [] if republished else messages.firms_observed(dataset_id, store.datasets.firms_of(dataset))
    result = publication.publish(store, dataset_id, f"publish:{dataset_id}:{uuid.uuid4().hex}",
                                 "republished" if republished else "published after review", [event, *firms],
                                 weight_lag_years=weight_lag_years)
    store.datasets.save(dataset_id, {"status": "completed", "published_at": utcnow(), "summary.phase": "completed",
                                     "review.decision": decision("published", requested_by, utcnow())})
    return {"id": dataset_id, "status": "completed", "republished": republished, "version": result["version"],
            "periods": result["periods"], "corridors_changed": result["corridors_changed"]}


def _publish_held(store, dataset, requested_by, weight_lag_years):
    """Write the held records as the import would have, and announce them."""
    loader = LOADERS[dataset["kind"]](store, dataset["_id"], year=dataset.get("year"),
                                      weight_lag_years=weight_lag_years, rules=False)
    for _, record in store.datasets.held_records(dataset["_id"]):
        loader.add(record)
    outcome = loader.commit()
    summary = {**outcome.summary, "phase": "completed"}
    event = messages.dataset_published(dataset, dataset, {**summary, "republished": False})
    store.datasets.save(dataset["_id"], {"status": "completed", "published_at": utcnow(), "summary": summary,
                                         "review.decision": decision("published", requested_by, utcnow())},
                        events=[event, *outcome.events], status="needs_review")
    store.datasets.release_held_records(dataset["_id"])
    return {"id": dataset["_id"], "status": "completed", "republished": False,
            "version": store.publication.current()["version"], "periods": outcome.summary.get("periods", []),
            "corridors_changed": 0}


def reject_dataset(store, dataset_id, requested_by="operator"):
    dataset = check_action(store.datasets.dataset(dataset_id), dataset_id, "rejected")
    store.datasets.save(dataset_id, {"status": "rejected", "summary.phase": "rejected",
                                     "review.decision": decision("rejected", requested_by, utcnow())},
                        status="needs_review")
    if dataset["kind"] != STAGED_KIND:
        store.datasets.release_held_records(dataset_id)  # never published: its records go
    return {"id": dataset_id, "status": "rejected"}
