"""The catalog's decisions as plain functions over plain values, without a
store: what an observed firm makes of an entry, what an edit, a merge and a
split change, which entry a typo'd name joins, what a declared price costs (and
when it is a new version), and what publishing a practice emits. On the real firms of the quotes file;
no mongomock anywhere (checked in a clean interpreter too)."""
import copy
import json

import pytest

from observatory.contracts.events import one_of_a_batch
from observatory.errors import CurationConflict
from observatory.events import parse_event
from services.catalog import curation_changes, declared, declared_versions, entries, practices, resolution
from services.catalog.exceptions import CorridorNotServed
from tests.unit.catalog_firms import real_firms


@pytest.fixture(scope="module")
def firms():
    return {firm["name"]: firm for firm in real_firms()}


def registered(firm, provider_id=None):
    """The entry a new observed firm becomes."""
    return entries.new_provider_doc(provider_id or resolution.slug(firm["name"]), firm["name"], "observed",
                                    "ingest:0123456789abcdef", *entries.observation(firm))


def alias_record(firm):
    """What a raw name's own record holds: the data about that name alone."""
    sets, first, last = entries.observation(firm)
    corridors = {}
    for path, value in {**first, **last}.items():
        corridors.setdefault(path.split(".")[1], {})[path.split(".")[2]] = value
    return {"_id": firm["name"], **sets, "corridors": corridors}


def event_of(update):
    (event,) = update["$push"]["outbox"]["$each"]
    return parse_event(json.loads(json.dumps(event)))


def audit_of(update):
    return update["$push"]["audit"]["$each"][-1]



def test_a_new_firm_becomes_an_entry_with_its_registration_audited_and_announced(firms):
    firm = firms["Western Union"]
    doc = registered(firm)
    assert doc["aliases"] == ["Western Union"] and doc["version"] == 1 and doc["origin"] == "observed"
    assert set(doc["corridors"]) == {entries.corridor_key(c) for c in firm["corridors"]}
    assert all(c["first_period"] <= c["last_period"] for c in doc["corridors"].values())
    assert doc["audit"][0]["action"] == "registered"
    (event,) = doc["outbox"]
    assert event["type"] == "provider.registered" and event["data"]["provider_id"] == "western-union"
    assert registered(firm)["outbox"][0]["event_id"] == event["event_id"]  # one registration id per entry id
    assert one_of_a_batch(event["type"], event["data"])  # the import's providers.changed stands for it


def test_an_observation_already_held_changes_nothing_and_a_later_quarter_moves_only_the_last_period(firms):
    firm = firms["Western Union"]
    doc = registered(firm)
    assert entries.observed_extension(doc, firm["name"], entries.observation(firm), "ingest:later") is None
    later = copy.deepcopy(firm)
    later["corridors"] = [dict(firm["corridors"][0], last_period="2024Q2")]
    update = entries.observed_extension(doc, firm["name"], entries.observation(later), "ingest:later")
    moved = entries.corridor_key(later["corridors"][0])
    assert update["$max"] == {f"corridors.{moved}.last_period": "2024Q2"}
    assert update["$set"]["version"] == 2 and audit_of(update)["fields"] == ["corridors"]
    assert event_of(update)["data"]["fields"] == ["corridors"] and event_of(update)["data"]["version"] == 2


def test_a_name_variant_joins_the_entry_as_an_alias_with_its_lookup_keys(firms):
    doc = registered(firms["Trans Fast"])
    variant = firms["Trans-Fast"]
    update = entries.observed_extension(doc, "Trans-Fast", entries.observation(variant), "ingest:x")
    assert update["$addToSet"]["aliases"] == {"$each": ["Trans-Fast"]}
    assert "aliases" in audit_of(update)["fields"] and audit_of(update)["added"]["aliases"] == ["Trans-Fast"]


def test_a_typo_joins_the_entry_it_is_one_letter_from_and_a_countrys_bank_stays_apart(firms):
    atena = registered(firms["Atena Money Transfert"])
    assert resolution.typo_match("Atena Money Tranfert", [atena]) == atena["_id"]
    chartered = registered(firms["Standard Chartered Bank"])
    assert resolution.typo_match("Standard Charterd Bank Tanzania", [chartered]) is None


def test_an_edit_changes_only_what_differs_and_records_before_and_after(firms):
    doc = registered(firms["MoneyGram"])
    assert curation_changes.edit_update(doc, {"name": doc["name"]}, "operator:a") is None
    update = curation_changes.edit_update(doc, {"description": "edited", "name": doc["name"]}, "operator:a")
    assert update["$set"]["description"] == "edited" and update["$set"]["version"] == 2
    audit = audit_of(update)
    assert (audit["action"], audit["fields"], audit["before"], audit["after"]) == (
        "edited", ["description"], {"description": None}, {"description": "edited"})
    assert not one_of_a_batch("provider.updated", event_of(update)["data"])  # an edit is a change of its own


def test_declared_corridors_reach_the_corridor_and_country_indexes(firms):
    doc = registered(firms["MoneyGram"])
    stored = curation_changes.edited_fields(doc, {"declared_corridors": [{"source": "ARE", "destination": "NPL"}]})
    assert stored["declared_corridors"] == ["ARE-NPL"]
    assert "ARE-NPL" in stored["corridor_keys"] and {"ARE", "NPL"} <= set(stored["countries"])
    assert set(doc["corridors"]) <= set(stored["corridor_keys"])


def test_a_merge_folds_the_other_entry_in_with_its_names_its_id_and_its_history(firms):
    target, other = registered(firms["Trans Fast"]), registered(firms["Transfast"], "transfast-2")
    update = curation_changes.merge_update(target, other, "operator:a")
    assert update["$addToSet"]["aliases"] == {"$each": ["Transfast"]}
    assert update["$addToSet"]["former_ids"] == {"$each": ["transfast-2"]}
    carried, merged = update["$push"]["audit"]["$each"]
    assert carried == other["audit"][0] and (merged["action"], merged["merged"]) == ("merged", "transfast-2")
    with pytest.raises(CurationConflict):
        curation_changes.refuse_self_merge("trans-fast", "trans-fast")


def test_a_split_rebuilds_both_entries_from_what_the_data_says_of_each_name(firms):
    kept, leaving = firms["Trans Fast"], firms["Transfast"]
    doc = registered(kept)
    doc["aliases"].append(leaving["name"])
    with pytest.raises(CurationConflict):
        curation_changes.refuse_split(doc, "Trans-Fast")  # not one of its names
    with pytest.raises(CurationConflict):
        curation_changes.refuse_split(registered(kept), "Trans Fast")  # its only name
    new = curation_changes.split_entry("transfast", leaving["name"], alias_record(leaving), "operator:a")
    assert new["origin"] == "split" and new["aliases"] == ["Transfast"] and new["audit"][0]["action"] == "split"
    assert set(new["corridors"]) == {entries.corridor_key(c) for c in leaving["corridors"]}
    state = curation_changes.state_without(doc, leaving["name"], [alias_record(kept)])
    assert state["aliases"] == ["Trans Fast"] and state["corridors"] == alias_record(kept)["corridors"]
    update = curation_changes.split_update(doc, state, leaving["name"], "transfast", "operator:a")
    assert (audit_of(update)["action"], audit_of(update)["into"]) == ("split", "transfast")
    claimed = {"_id": leaving["name"], "provider_id": "transfast", "split_from": doc["_id"]}
    assert not curation_changes.split_already_done(doc, leaving["name"], claimed)
    assert curation_changes.split_already_done({**doc, "aliases": ["Trans Fast"]}, leaving["name"], claimed)


def test_a_declared_price_is_costed_like_the_surveyed_quote_and_only_on_a_served_corridor(firms):
    # The file's first row: Al Fardan Exchange, ARE -> EGY, 2011Q1, 735 AED for a 15 AED fee at 1.57
    # (interbank 1.58), which the survey costs at 2.67 % in all.
    provider = registered(firms["Al Fardan Exchange"])
    request = {"source": "ARE", "destination": "EGY", "period": "2011Q1", "currency": "AED", "amount": 735,
               "fee": 15, "exchange_rate": 1.57, "interbank_rate": 1.58}
    identity, state = declared.declared_price(provider, request, "provider:al-fardan-exchange")
    assert round(state["total_cost_pct"], 2) == 2.67 and state["provider_id"] == "al-fardan-exchange"
    assert identity == declared.declared_price(provider, request, "again")[0]  # declared again: replaced
    unserved = next(k for k in registered(firms["Western Union"])["corridor_keys"]
                    if k not in provider["corridor_keys"])
    source, destination = unserved.split("-")
    with pytest.raises(CorridorNotServed):
        declared.declared_price(provider, {**request, "source": source, "destination": destination}, "p")


def test_a_price_declared_again_is_the_same_version_and_a_changed_one_the_next(firms):
    provider = registered(firms["Al Fardan Exchange"])
    request = {"source": "ARE", "destination": "EGY", "period": "2011Q1", "currency": "AED", "amount": 735,
               "fee": 15, "exchange_rate": 1.57, "interbank_rate": 1.58}
    identity, state = declared.declared_price(provider, request, "provider:al-fardan-exchange")
    first = declared_versions.version_doc(identity, state, None, state["declared_at"])
    assert (first["_id"], first["seq"], first["valid_from"], first["valid_to"]) == (
        f"{identity}:0", 0, state["declared_at"], None)
    again = declared.declared_price(provider, request, "operator:a")[1]  # later, by someone else: the same price
    assert declared_versions.same_price(first, again)
    _, cheaper = declared.declared_price(provider, {**request, "fee": 10}, "provider:al-fardan-exchange")
    assert not declared_versions.same_price(first, cheaper)
    assert declared_versions.version_doc(identity, cheaper, first, cheaper["declared_at"])["_id"] == f"{identity}:1"


def test_publishing_a_shipped_practice_emits_practice_published_and_an_unchanged_edit_nothing():
    shipped = json.loads(practices.SEED_FILE.read_text(encoding="utf-8"))[0]
    draft = practices.new_practice_doc({**shipped, "status": "draft"}, "operator:a", now=None)
    assert draft["status"] == "draft" and draft["outbox"] == []
    update = practices.publication(draft, "operator:a", now=None)
    event = event_of(update)
    assert event["type"] == "practice.published" and event["data"]["practice_id"] == draft["_id"]
    assert practices.edit_state(draft, {"title": draft["title"]}, "operator:a") is None
    assert practices.edit_state(draft, {"title": "Renamed"}, "operator:a")["version"] == 2


def test_ranking_puts_a_title_match_above_a_body_only_match_in_the_shipped_library():
    docs = [practices.new_practice_doc(item, "seed", now=None)
            for item in json.loads(practices.SEED_FILE.read_text(encoding="utf-8"))]

    def holding(word, *fields):
        return {d["_id"] for d in docs if any(word in d[f"{field}_terms"] for field in fields)}

    word = next(w for d in docs for w in d["title_terms"] if holding(w, "body") - holding(w, "title", "summary"))
    in_title, body_only = holding(word, "title"), holding(word, "body") - holding(word, "title", "summary")
    order = [d["_id"] for _, d in practices.ranked([d for d in docs if word in d["terms"]], [word])]
    assert max(order.index(i) for i in in_title) < min(order.index(i) for i in body_only)
