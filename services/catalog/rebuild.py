"""Rebuilding the observed providers from ingest's published data (DESIGN §6:
derived state is rebuildable without an operator).

The registry's observed part is derived: every firm of every published
dataset of quotes, as its ``firms.observed`` event announced it. A catalog
that lost its store (in-process, restarted), or missed an event, asks ingest
which datasets are published, and applies the firms of each one it has not
applied yet, exactly as the event would be applied (``registry``), under the
request id ``rebuild:<dataset id>``: a rebuild interrupted and run again, or
racing the event itself, leaves one net effect (set unions, min/max, an audit
entry only for what is new). The store records each applied dataset
(``record_applied_dataset``), so a catalog on a durable store asks for nothing
it already holds.
"""
import logging

from marshmallow import ValidationError

from observatory.contracts.datasets import ObservedFirmsDatasetListSchema
from observatory.contracts.events import FirmsObservedSchema
from observatory.errors import NotFound
from services.catalog import registry

log = logging.getLogger(__name__)


def rebuild(store, list_published, firms_of, pause=lambda: None):
    """Apply the firms of every published dataset not applied yet.
    ``list_published()`` and ``firms_of(dataset_id)`` are ingest's answers
    (RPC with a deadline: a ``ServiceUnavailable`` propagates, to be retried).
    Returns {"datasets": [ids applied], "providers": [ids written]}."""
    published = ObservedFirmsDatasetListSchema().load(list_published())["items"]
    done = store.applied_dataset_ids()
    applied, touched = [], []
    for item in published:
        dataset_id = item["dataset_id"]
        if dataset_id in done:
            continue
        try:
            data = FirmsObservedSchema().load(firms_of(dataset_id))
        except ValidationError as exc:  # not ours to repair: say so, go on with the others
            log.error("rebuild: ingest's firms of %s do not meet the firms.observed contract: %s", dataset_id,
                      exc.messages)
            continue
        except NotFound:  # no longer published meanwhile
            continue
        rejected = []  # a firm the contract refuses stays out, as when the event brought it; the others go in
        touched += registry.apply_firms_observed(store, {"event_id": f"rebuild:{dataset_id}", "data": data}, pause,
                                                 rejected=rejected)
        for firm in rejected:
            log.error("rebuild: firm of %s left out: %s", dataset_id, firm["reason"])
        store.record_applied_dataset(dataset_id, len(data["firms"]), "rebuild")
        applied.append(dataset_id)
    return {"datasets": applied, "providers": sorted(set(touched))}
