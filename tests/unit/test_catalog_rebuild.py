"""A catalog that lost its store rebuilds its observed providers from ingest's
published datasets (``services.catalog.rebuild``): real quarters imported by
ingest's importer, ingest's own answers, in-process stores, no broker."""
import hashlib
import json
import uuid

import mongoengine
import pytest

from observatory.clock import utcnow
from observatory.errors import ServiceUnavailable
from observatory.events import parse_event
from observatory.mongo import connect_store
from services.catalog import rebuild, registry
from services.ingest import queries as ingest_queries
from services.ingest.importer import run_import
from services.ingest.models import Dataset, Publication
from services.ingest.store import STORE_ALIAS as INGEST, IngestStore
from tests.ingest_files import as_csv, real_rows
from tests.unit.catalog_common import empty_catalog_store


class Ingest:
    """ingest's RPC answers (as the catalog receives them: JSON) and the firms.observed events it queued."""

    def __init__(self, events, datasets, firms):
        self.events, self._datasets, self._firms = events, datasets, firms

    def observed_firm_datasets(self):
        return json.loads(self._datasets)

    def observed_firms(self, dataset_id):
        return json.loads(self._firms[dataset_id])


@pytest.fixture(scope="module")
def ingest():
    """An ingest store holding two real quarters, published by ingest's importer."""
    connect_store(INGEST, f"ingest_{uuid.uuid4().hex[:8]}")
    store = IngestStore.connected()
    header, rows = real_rows()
    for period in ("2011_1Q", "2014_1Q"):
        data = as_csv(header, [r for r in rows if r[header.index("period")] == period])
        dataset_id = uuid.uuid4().hex[:16]
        Dataset(id=dataset_id, sha256=hashlib.sha256(data).hexdigest(), kind="rpw-quotes",
                created_at=utcnow()).save()
        assert run_import(store, dataset_id, lambda target: target.write(data)) == "completed"
    events = [e for d in Publication._get_collection().find() for e in d["outbox"] if e["type"] == "firms.observed"]
    datasets = ingest_queries.observed_firm_datasets(store)
    firms = {d["dataset_id"]: json.dumps(ingest_queries.observed_firms(store, d["dataset_id"])) for d in datasets["items"]}
    answers = Ingest([parse_event(json.loads(json.dumps(e, default=str))) for e in events], json.dumps(datasets), firms)
    mongoengine.disconnect(INGEST)
    return answers


def entries(store):
    """What a user reads of each provider: name, aliases, types, corridors, countries."""
    return {d["_id"]: (d["name"], sorted(d["aliases"]), sorted(d["types"]), d["corridors"], sorted(d["countries"]))
            for d in store.providers.find()}


def registered_ids(store):
    return sorted(e["event_id"] for d in store.providers.find() for e in d.get("outbox", [])
                  if e["type"] == "provider.registered")


def from_events(events):
    """A catalog as the events built it (as its firms.observed handler applies them)."""
    store = empty_catalog_store()
    for event in events:
        registry.apply_firms_observed(store, event)
        store.record_applied_dataset(event["data"]["dataset_id"], len(event["data"]["firms"]), "event")
    return store


def test_a_catalog_that_lost_its_store_gets_every_observed_provider_back_as_the_events_made_it(ingest):
    assert len(ingest.events) == 2
    store = from_events(ingest.events)
    before, announced = entries(store), registered_ids(store)
    firms = {f["name"] for e in ingest.events for f in e["data"]["firms"]}
    assert len(before) > 200 and {a for entry in before.values() for a in entry[1]} == firms

    store = empty_catalog_store()  # the in-process store of a restarted catalog: empty
    answer = rebuild.rebuild(store, ingest.observed_firm_datasets, ingest.observed_firms)
    assert sorted(answer["datasets"]) == sorted(e["data"]["dataset_id"] for e in ingest.events)
    assert entries(store) == before
    assert registered_ids(store) == announced  # the same registrations: subscribers are not told twice

    versions = {d["_id"]: d["version"] for d in store.providers.find()}
    assert rebuild.rebuild(store, ingest.observed_firm_datasets, ingest.observed_firms) == {
        "datasets": [], "providers": []}  # run again: nothing asked, nothing written
    assert {d["_id"]: d["version"] for d in store.providers.find()} == versions


def test_a_catalog_with_its_data_asks_for_nothing_and_one_missed_event_is_caught_up(ingest):
    store = from_events(ingest.events[:1])  # the second event was lost (dead-lettered, or the catalog was down)
    asked = []

    def firms_of(dataset_id):
        asked.append(dataset_id)
        return ingest.observed_firms(dataset_id)

    answer = rebuild.rebuild(store, ingest.observed_firm_datasets, firms_of)
    assert asked == answer["datasets"] == [ingest.events[1]["data"]["dataset_id"]]
    caught_up = entries(store)
    assert len(store.applied_dataset_ids()) == 2
    assert caught_up == entries(from_events(ingest.events))


def test_a_rebuild_interrupted_half_way_and_run_again_leaves_one_net_effect(ingest):
    expected = entries(from_events(ingest.events))
    store = empty_catalog_store()
    calls = []

    def dying(dataset_id):
        calls.append(dataset_id)
        if len(calls) == 2:
            raise ServiceUnavailable("ingest did not answer observed_firms within 2 s")
        return ingest.observed_firms(dataset_id)

    with pytest.raises(ServiceUnavailable):
        rebuild.rebuild(store, ingest.observed_firm_datasets, dying)
    assert len(store.applied_dataset_ids()) == 1
    rebuild.rebuild(store, ingest.observed_firm_datasets, ingest.observed_firms)
    assert entries(store) == expected
    assert all(len([a for a in d["audit"] if a["action"] == "registered"]) == 1 for d in store.providers.find())
