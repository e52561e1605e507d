"""The provider registry on the real firm names: entity resolution, the
firms.observed event applied once (redelivered, or re-run after a crash half
way), curation, and concurrent edits. In-process store, no broker."""
import copy
import hashlib
import json
import uuid

import pytest

from observatory.contracts.catalog import entry_etag
from observatory.errors import PreconditionFailed
from observatory.events import new_event, parse_event
from observatory.contracts.events import one_of_a_batch
from services.catalog import curation, queries, registry, resolution
from tests.unit.catalog_common import empty_catalog_store
from tests.unit.catalog_firms import real_firms

# Read off the real file: spellings of one firm across survey rounds.
MUST_MERGE = [
    ("Trans Fast", "Trans-Fast"), ("Trans-Fast", "Transfast"),  # spacing, hyphen
    ("Azimo", "azimo"),  # case
    ("DNB Bank", "DNB Bank ASA"), ("Universal Money Transfer", "Universal Money Transfer Gmbh"),  # legal suffix
    ("Remesas Quisqueyana", "Remesas Quisqueyana, Inc."),
    ("EEC Int'l Express Ptd Ltd", "EEC Int'l Express Pte Ltd"),  # a typo'd suffix before the real one
    ("Remit2India", "Remit2India.com"),  # domain
    ("Express Global Finance", "Express Global Finance (EGF)"),  # acronym after
    ("KCB (Kenya Commercial Bank)", "Kenya Commercial Bank (KCB)"),  # acronym before / after
    ("NBC (National Bank of Commerce Ltd)", "National Bank of Commerce Ltd (NBC)"),
    ("PNB (Philippine National Bank)", "Philippine National Bank"),
    ("PNB (Philippine National Bank)", "PNB (Philippines National Bank)"),  # one-letter typo, long name
    ("Atena Money Tranfert", "Atena Money Transfert"),
    ("X Press Money", "Xpress Money"),
]
# Similar names that are different firms.
MUST_STAY_APART = [
    ("Sigue", "Sigue Money Transfers"), ("St. George", "St. George Bank"),  # a sibling with one more word
    ("Safe Money Transfer", "Safe Money Transfer Spain"),
    ("Standard Chartered Bank", "Standard Charterd Bank Tanzania"),  # a country's bank is not the group
    ("ICBC Korea", "Industrial and Commercial Bank of China (ICBC)"),
    ("Money Express", "Money X Press"), ("Express Money", "Xpress Money"),  # word order
    ("Postbank", "Postbanken"), ("Postbank", "Postbank via Western Union"),
    ("UBA Africash", "United Bank for Africa (UBA)"),  # a product of the bank, surveyed apart
    ("Ameer Tech Remittance", "Ameer Tech Remittance (MoneyGram)"),  # an agent channel, not an acronym
    ("MoneyGram", "Ameer Tech Remittance (MoneyGram)"),
    ("Bank of China", "Industrial and Commercial Bank of China (ICBC)"),
]


@pytest.fixture(scope="module")
def event():
    envelope = new_event("firms.observed", "ingest", {"dataset_id": "0123456789abcdef", "firms": real_firms()})
    return parse_event(json.loads(json.dumps(envelope, default=str)))


@pytest.fixture
def store():
    return empty_catalog_store()


def state(store):
    """Everything the catalog holds, without the clock and the random event ids."""
    providers = []
    for doc in store.providers.find(sort=[("_id", 1)]):
        doc = copy.deepcopy(doc)
        for name in ("created_at", "updated_at", "applied_events", "outbox"):
            doc.pop(name, None)
        doc["audit"] = [{k: v for k, v in entry.items() if k != "at"} for entry in doc["audit"]]
        providers.append(doc)
    aliases = [{k: v for k, v in a.items() if k != "applied_events"}
               for a in store.aliases.find(sort=[("_id", 1)])]
    return providers, aliases


def resolved(store, name):
    return store.alias(name)["provider_id"]


def test_name_variants_of_one_firm_merge_and_similar_firms_stay_apart(event, store):
    names = {firm["name"] for firm in event["data"]["firms"]}
    for pair in MUST_MERGE + MUST_STAY_APART:
        assert set(pair) <= names, f"{pair} are not both names of the real file"
    registry.apply_firms_observed(store, event)
    for a, b in MUST_MERGE:
        assert resolved(store, a) == resolved(store, b), (a, b)
    for a, b in MUST_STAY_APART:
        assert resolved(store, a) != resolved(store, b), (a, b)
    providers = store.providers.count_documents({})
    print(f"\n{len(names)} raw firm names became {providers} providers")
    assert providers < len(names)


def test_types_are_normalised_and_a_combined_type_keeps_both():
    assert resolution.provider_types("Bank / Money Transfer Operator") == ["bank", "money transfer operator"]
    assert resolution.provider_types("Money Transfer Operator") == ["money transfer operator"]
    assert resolution.provider_types("Post office") == ["post office"]
    assert resolution.provider_types("Mobile money") == ["mobile money operator"]
    assert resolution.provider_types("Building society") == ["other"]


def test_a_redelivered_event_changes_nothing(event, store):
    registry.apply_firms_observed(store, event)
    first = state(store)
    assert registry.apply_firms_observed(store, copy.deepcopy(event)) == registry.apply_firms_observed(store, event)
    assert state(store) == first


def pending(collection):
    return [e for doc in collection.find() for e in doc["outbox"]]


def test_one_imports_firms_are_one_providers_changed_beside_each_entrys_own_event(event, store):
    registry.apply_firms_observed(store, event)
    entries, own = store.providers.count_documents({}), pending(store.providers)
    assert len(own) >= entries > 100  # each entry's own events still go out, for subscribers
    assert all(one_of_a_batch(e["type"], e["data"]) for e in own)  # ... and the gateway leaves them to the batch
    batch = pending(store.batches)
    assert [(e["type"], e["data"]) for e in batch] == [
        ("providers.changed", {"dataset_id": "0123456789abcdef", "providers": entries})]
    registry.apply_firms_observed(store, copy.deepcopy(event))  # redelivered: no second batch
    assert pending(store.batches) == batch and store.batches.count_documents({}) == 1
    provider_id = resolved(store, "Western Union")
    version = queries.get_provider(store, provider_id)["version"]
    curation.update_provider(store, provider_id, {"description": "edited"}, version, "operator:a")
    edit = [e for e in pending(store.providers) if e["data"].get("by") == "operator:a"]
    assert len(edit) == 1 and not one_of_a_batch(edit[0]["type"], edit[0]["data"])  # an edit is a change of its own


def test_a_crash_half_way_through_an_event_leaves_one_net_effect_after_the_rerun(event, store, monkeypatch):
    registry.apply_firms_observed(store, event)
    clean = state(store)
    store = empty_catalog_store()
    real_claim, calls = registry.claim_alias, []

    def crash_after_the_provider_write(*args):
        calls.append(args[1])
        if len(calls) == 250:  # the provider is written, its alias record is not: the process dies here
            raise SystemExit("killed")
        return real_claim(*args)

    monkeypatch.setattr(registry, "claim_alias", crash_after_the_provider_write)
    with pytest.raises(SystemExit):
        registry.apply_firms_observed(store, event)
    monkeypatch.setattr(registry, "claim_alias", real_claim)
    registry.apply_firms_observed(store, event)  # the broker redelivers the unacknowledged message
    assert state(store) == clean


def test_a_later_survey_round_extends_entries_and_versions_only_what_changed(event, store):
    registry.apply_firms_observed(store, event)
    western_union = queries.get_provider(store, resolved(store, "Western Union"))
    later = copy.deepcopy(event)
    later["event_id"] = str(uuid.uuid4())
    firm = next(f for f in later["data"]["firms"] if f["name"] == "Western Union")
    firm["corridors"] = [{"source": "ARE", "destination": "NPL", "first_period": "2024Q1", "last_period": "2024Q2"}]
    later["data"]["firms"] = [firm, next(f for f in later["data"]["firms"] if f["name"] == "MoneyGram")]
    moneygram = queries.get_provider(store, resolved(store, "MoneyGram"))
    registry.apply_firms_observed(store, later)
    after = queries.get_provider(store, western_union["id"])
    assert after["version"] == western_union["version"] + 1
    served = {(c["source"], c["destination"]): c for c in after["corridors"]}
    assert served[("ARE", "NPL")]["last_period"] == "2024Q2"
    assert served[("ARE", "NPL")]["first_period"] == next(
        c["first_period"] for c in western_union["corridors"] if (c["source"], c["destination"]) == ("ARE", "NPL"))
    assert queries.get_provider(store, moneygram["id"])["version"] == moneygram["version"]  # nothing new


def test_a_split_alias_stays_apart_when_the_data_names_it_again(event, store):
    registry.apply_firms_observed(store, event)
    original = resolved(store, "Transfast")
    new, changed = curation.split(store, original, "Transfast", "operator:test")
    assert changed
    assert resolved(store, "Transfast") == new["_id"] != original
    again = copy.deepcopy(event)
    again["event_id"] = str(uuid.uuid4())
    registry.apply_firms_observed(store, again)
    assert resolved(store, "Transfast") == new["_id"]
    assert "Transfast" not in queries.get_provider(store, original)["aliases"]
    again, changed_again = curation.split(store, original, "Transfast", "operator:test")
    assert again["_id"] == new["_id"] and not changed_again  # a re-run: nothing, and nothing to announce


def test_two_edits_from_the_same_version_one_wins_the_other_gets_412(event, store):
    registry.apply_firms_observed(store, event)
    provider_id = resolved(store, "MoneyGram")
    version = queries.get_provider(store, provider_id)["version"]
    curation.update_provider(store, provider_id, {"description": "first"}, version, "operator:a")
    with pytest.raises(PreconditionFailed) as stale:
        curation.update_provider(store, provider_id, {"description": "second"}, version, "operator:b")
    assert stale.value.details["etag"] == entry_etag(version + 1)
    assert queries.get_provider(store, provider_id)["description"] == "first"


def test_ids_are_slugs_and_stable(event, store):
    registry.apply_firms_observed(store, event)
    ids = [d["_id"] for d in store.providers.find({}, {"_id": 1})]
    assert all(resolution.slug(i) == i or i.rsplit("-", 1)[-1].isdigit() for i in ids)
    assert len(set(ids)) == len(ids)
    digest = hashlib.sha256(json.dumps(sorted(ids)).encode()).hexdigest()
    store = empty_catalog_store()
    registry.apply_firms_observed(store, event)
    assert hashlib.sha256(json.dumps(sorted(d["_id"] for d in store.providers.find({}, {"_id": 1})))
                          .encode()).hexdigest() == digest


def test_a_159_character_firm_name_does_not_stop_the_other_firms(event, store):
    """Once its 159-letter slug broke provider.registered's id bound, the whole
    event was dead-lettered; the id is now cut to the bound, and every firm
    of the real file reaches the catalog."""
    firms = copy.deepcopy(event["data"]["firms"])
    longest = max(firms, key=lambda f: len(f["name"]))  # a real name, lengthened with real words
    longest["name"] = (longest["name"] + " " + " ".join(f["name"] for f in firms))[:159].strip()
    assert len(longest["name"]) == 159
    altered = parse_event(json.loads(json.dumps(new_event("firms.observed", "ingest", {
        "dataset_id": "0123456789abcdef", "firms": firms}), default=str)))
    registry.apply_firms_observed(store, altered)
    for firm in firms:
        provider = store.provider(resolved(store, firm["name"]))
        assert firm["name"] in provider["aliases"]
    long_id = resolved(store, longest["name"])
    assert len(long_id) <= 120 and long_id == resolution.slug(longest["name"])
    for doc in store.providers.find({}, {"outbox": 1}):  # every event can go out
        for envelope in doc["outbox"]:
            parse_event(json.loads(json.dumps(envelope)))


def test_a_firm_that_breaks_the_contract_is_set_aside_with_its_reason_and_the_others_go_through(event, store):
    """As an ingest of another version might send it: one real firm renamed past
    the 200-character bound, one with a period in RPW's own form. Read as a
    whole, the event was refused and no firm of the dataset reached the catalog."""
    from marshmallow import ValidationError

    from observatory.contracts.events import FirmsObservedBatchSchema, FirmsObservedSchema

    firms = copy.deepcopy(event["data"]["firms"])
    firms[0]["name"] = " ".join(f["name"] for f in firms)[:201]
    firms[1]["corridors"][0]["first_period"] = "2011_1Q"
    payload = json.loads(json.dumps({**event, "data": {"dataset_id": "0123456789abcdef", "firms": firms}},
                                    default=str))
    with pytest.raises(ValidationError):
        FirmsObservedSchema().load(payload["data"])
    rejected = []
    registry.apply_firms_observed(store, parse_event(payload, FirmsObservedBatchSchema()), rejected=rejected)
    assert [r["firm"]["name"] for r in rejected] == [firms[0]["name"], firms[1]["name"]]
    assert "name" in rejected[0]["reason"] and "first_period" in rejected[1]["reason"]
    assert store.providers.count_documents({"aliases": firms[1]["name"]}) == 0
    for firm in firms[2:]:
        assert firm["name"] in store.provider(resolved(store, firm["name"]))["aliases"]


def test_the_same_merge_again_changes_and_announces_nothing(event, store):
    registry.apply_firms_observed(store, event)
    kept, folded = resolved(store, "MoneyGram"), resolved(store, "Transfast")
    merged, changed = curation.merge(store, kept, folded, "operator:test")
    assert changed and folded in merged["former_ids"]
    again, changed_again = curation.merge(store, kept, folded, "operator:test")
    assert not changed_again and again["version"] == merged["version"]  # the gateway waits for no event
