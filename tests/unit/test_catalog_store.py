"""The catalog's store on the in-process store (mongomock, as the service opens
it), with entries made from the real firms: its indexes, the once-per-request
and at-version guards, the first claim of a name standing, one batch per
import, merged ids still found, the list filters, replaced declarations (their
versions kept) and drafts published once."""
import datetime as dt

import pytest

from services.catalog import entries, messages, practices, resolution
from tests.unit.catalog_common import empty_catalog_store
from tests.unit.catalog_firms import real_firms

NAMES = ("Western Union", "MoneyGram", "Trans Fast", "Al Fardan Exchange")


@pytest.fixture(scope="module")
def firms():
    return {firm["name"]: firm for firm in real_firms() if firm["name"] in NAMES}


@pytest.fixture
def store(firms):
    """A store holding one entry per firm of NAMES, as they were registered."""
    store = empty_catalog_store()
    for firm in firms.values():
        assert store.insert_provider(entries.new_provider_doc(resolution.slug(firm["name"]), firm["name"],
                                                              "observed", "ingest:x", *entries.observation(firm)))
    return store


def index_keys(collection):
    return {tuple(key for key, _ in spec["key"]) for spec in collection.index_information().values()}


def test_the_indexes_the_lookups_and_filters_use_exist(store):
    assert {("aliases",), ("alias_keys",), ("typo_keys",), ("countries",), ("corridor_keys",), ("terms",),
            ("former_ids",)} <= index_keys(store.providers)
    assert ("provider_id",) in index_keys(store.aliases)
    assert ("source", "destination", "period") in index_keys(store.declared.quotes)
    assert {("quote_id", "seq"), ("source", "destination", "period", "valid_from")} <= index_keys(
        store.declared.versions)
    assert ("status", "published_at") in index_keys(store.practices.practices)


def test_an_entry_is_inserted_once_and_its_name_key_and_typos_find_it(store, firms):
    doc = store.provider("western-union")
    assert not store.insert_provider(dict(doc))  # the id is taken
    assert store.provider_with_alias("Western Union") == "western-union"
    assert store.provider_with_key(resolution.key("Western Union")) == "western-union"
    candidates = store.typo_candidates(resolution.deletion_keys(resolution.key("Westren Union")))
    assert [c["_id"] for c in candidates] == ["western-union"]


def test_a_change_applies_once_per_request_and_only_at_the_version_it_was_built_from(store):
    doc = store.provider("moneygram")
    update = entries.change_record(doc, {"$set": {"description": "first"}}, "edited", "operator:a", ["description"])
    assert store.apply_to_provider("edit-1", "moneygram", 1, update)
    assert not store.apply_to_provider("edit-1", "moneygram", 2, update)  # the same request again
    assert not store.apply_to_provider("edit-2", "moneygram", 1, update)  # built from version 1, now 2
    assert not store.update_provider_at("moneygram", 1, {"$set": {"description": "stale"}})
    after = store.provider("moneygram")
    assert (after["version"], after["description"], len(after["audit"])) == (2, "first", 2)


def test_the_first_claim_of_a_name_stands_and_its_observation_applies_once(store, firms):
    store.claim_alias("Trans Fast", "trans-fast", "exact")
    store.claim_alias("Trans Fast", "somebody-else", "key")
    update = entries.observation_update(*entries.observation(firms["Trans Fast"]))
    assert store.apply_to_alias("event-1", "Trans Fast", update)
    assert not store.apply_to_alias("event-1", "Trans Fast", update)
    alias = store.alias("Trans Fast")
    assert alias["provider_id"] == "trans-fast" and alias["applied_events"] == ["event-1"]
    assert store.resolved_ids(["Trans Fast", "Nobody"]) == {"Trans Fast": "trans-fast"}


def test_one_batch_per_import_event(store):
    event = messages.providers_changed("0123456789abcdef", 4)
    store.record_batch("event-1", "0123456789abcdef", 4, event)
    store.record_batch("event-1", "0123456789abcdef", 4, messages.providers_changed("0123456789abcdef", 4))
    assert [b["outbox"] for b in store.batches.find()] == [[event]]
    store.record_applied_dataset("0123456789abcdef", 4, "event")
    store.record_applied_dataset("0123456789abcdef", 4, "rebuild")
    assert store.applied_dataset_ids() == {"0123456789abcdef"}
    assert store.datasets.find_one()["how"] == "event"  # the first record stands


def test_a_merged_id_still_finds_its_entry_and_is_never_given_again(store):
    store.update_provider_at("trans-fast", 1, {"$set": {"former_ids": ["transfast"]}})
    assert store.provider_or_merged("transfast")["_id"] == "trans-fast"
    assert store.id_taken("transfast") and store.id_taken("trans-fast") and not store.id_taken("trans-fast-2")
    assert store.provider_or_merged("nobody") is None


def test_the_list_filters_and_continues_after_an_id(store, firms):
    corridor = entries.corridor_key(firms["Al Fardan Exchange"]["corridors"][0])
    page, total = store.provider_page(corridor=corridor)
    assert "al-fardan-exchange" in [d["_id"] for d in page.docs] and total == len(page.docs)
    assert all("audit" not in d and "outbox" not in d for d in page.docs)
    everything, total = store.provider_page(limit=10)
    assert total == len(NAMES) == len(everything.docs) and everything.next_cursor is None
    first, _ = store.provider_page(limit=1)
    rest, _ = store.provider_page(cursor=first.next_cursor, limit=10)
    assert first.docs + rest.docs == everything.docs
    by_alias, _ = store.provider_page(alias="Trans Fast")
    assert by_alias.docs == []  # the name has no record of its own yet: it resolves to nothing
    store.claim_alias("Trans Fast", "trans-fast", "exact")
    assert [d["_id"] for d in store.provider_page(alias="Trans Fast")[0].docs] == ["trans-fast"]


def test_declaring_the_same_price_again_replaces_it_and_a_merge_repoints_it(store):
    state = {"provider_id": "al-fardan-exchange", "source": "ARE", "destination": "EGY", "period": "2011Q1",
             "total_cost_pct": 2.67}
    store.declared.save("q1", state)
    store.declared.save("q1", {**state, "total_cost_pct": 2.5})
    assert [q["total_cost_pct"] for q in store.declared.matching("ARE", "EGY", "2011Q1")] == [2.5]
    assert store.declared.matching("ARE", "EGY", "2011Q2") == []
    assert len(store.declared.matching("ARE", "EGY", "2011Q1", since=True)) == 1
    store.declared.repoint("al-fardan-exchange", "western-union")
    assert [q["_id"] for q in store.declared.matching(provider_id="western-union")] == ["q1"]


def test_a_replaced_declaration_keeps_its_versions_and_a_retry_keeps_none(store):
    at = [dt.datetime(2026, 1, day, tzinfo=dt.timezone.utc) for day in (1, 2, 3, 4)]
    state = {"provider_id": "al-fardan-exchange", "source": "ARE", "destination": "EGY", "period": "2011Q1",
             "amount": 200.0, "total_cost_pct": 2.67, "declared_at": at[0], "declared_by": "provider:a"}
    store.declared.save("q1", state)
    store.declared.save("q1", {**state, "declared_at": at[1], "declared_by": "provider:b"})  # the same price again
    store.declared.save("q1", {**state, "total_cost_pct": 2.5, "declared_at": at[2]})
    versions = list(store.declared.versions.find({"quote_id": "q1"}, sort=[("seq", 1)]))
    assert [(v["total_cost_pct"], v["valid_from"], v["valid_to"]) for v in versions] == [
        (2.67, at[0], at[2]), (2.5, at[2], None)]
    def in_force(when):
        return [q["total_cost_pct"] for q in store.declared.cost_inputs("ARE", "EGY", at=when)]
    assert (in_force(at[0] - dt.timedelta(seconds=1)), in_force(at[1]), in_force(at[2]), in_force(at[3])) == (
        [], [2.67], [2.5], [2.5])
    assert [q["total_cost_pct"] for q in store.declared.cost_inputs("ARE", "EGY")] == [2.5]  # now
    store.declared.save("q1", {**state, "total_cost_pct": 2.5, "declared_at": at[3]})  # retried: no version
    assert store.declared.versions.count_documents({"quote_id": "q1"}) == 2


def test_a_price_declared_before_versions_were_kept_gets_its_first_one_at_start(store):
    declared_at = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    store.declared.quotes.insert_one({"_id": "old", "provider_id": "al-fardan-exchange", "source": "ARE",
                                      "destination": "EGY", "period": "2011Q1", "amount": 200.0,
                                      "total_cost_pct": 2.67, "declared_at": declared_at})  # as stored then
    assert store.declared.cost_inputs("ARE", "EGY", at=declared_at) == []
    store.ensure_indexes()
    store.ensure_indexes()  # every start: once
    assert store.declared.versions.count_documents({"quote_id": "old"}) == 1
    assert [q["total_cost_pct"] for q in store.declared.cost_inputs("ARE", "EGY", at=declared_at)] == [2.67]


def test_a_draft_is_published_once(store):
    doc = practices.new_practice_doc({"title": "Agent exclusivity", "summary": "s", "body": "b"}, "t", now=None)
    assert store.practices.insert(doc) and not store.practices.insert(doc)
    store.practices.publish_draft(doc["_id"], practices.publication(doc, "operator:a", now=None))
    store.practices.publish_draft(doc["_id"], practices.publication(doc, "operator:a", now=None))
    published = store.practices.get(doc["_id"])
    assert published["status"] == "published" and len(published["outbox"]) == 1 and published["version"] == 2
