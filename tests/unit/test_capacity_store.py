"""Capacity building on the in-process catalog store: institutions edit only
their own focal points, plan, workspace and requests; contact details reach
no public view; re-runs change nothing; moderation; every write audited."""
import json

import pytest

from observatory.contracts.capacity import PlanSchema, WorkspaceSchema
from observatory.errors import NotYourInstitution
from observatory.errors import Conflict, InvalidInput, NotFound
from services.catalog import members, peer_requests, plans, practices, resources, workspace
from tests.unit.catalog_common import empty_catalog_store

OPERATOR = {"role": "operator", "member_id": None}
NRB = {"role": "member", "member_id": "npl-nrb"}
CBK = {"role": "member", "member_id": "ken-cbk"}
PROVIDER = {"role": "provider", "member_id": None}
PRIVATE_EMAIL = "remittance.desk@nrb.org.np"


@pytest.fixture
def store():
    store = empty_catalog_store("capacity")
    practices.seed(store)
    for member_id, name, country in (("npl-nrb", "Nepal Rastra Bank", "NPL"), ("ken-cbk", "Central Bank of Kenya",
                                                                               "KEN")):
        members.register(store, {"id": member_id, "name": name, "country": country, "kind": "central_bank"},
                         OPERATOR)
    return store


def add_point(store, by=NRB, **choices):
    request = {"name": "Remittance desk", "role": "Head of statistics", "themes": ["statistics"],
               "contact": {"email": PRIVATE_EMAIL}, "listed": True, "share_contact_with": "none", **choices}
    return members.add_focal_point(store, "npl-nrb", request, by)


def test_only_an_operator_registers_an_institution_and_again_is_a_no_op(store):
    request = {"id": "npl-mof", "name": "Ministry of Finance", "country": "NPL", "kind": "ministry"}
    with pytest.raises(NotYourInstitution) as refused:
        members.register(store, request, NRB)
    assert refused.value.status == 403
    members.register(store, request, OPERATOR)
    assert len(members.register(store, request, OPERATOR)["audit"]) == 1
    with pytest.raises(Conflict):
        members.register(store, {**request, "kind": "regulator"}, OPERATOR)


def test_an_institution_edits_only_its_own_focal_points(store):
    point = add_point(store)
    for stranger in (CBK, PROVIDER):
        with pytest.raises(NotYourInstitution):
            members.edit_focal_point(store, "npl-nrb", point["id"], {"role": "Governor"}, stranger)
        with pytest.raises(NotYourInstitution):
            add_point(store, by=stranger, name="Someone else")
    assert members.edit_focal_point(store, "npl-nrb", point["id"], {"role": "Director"}, NRB)["role"] == "Director"
    assert members.edit_focal_point(store, "npl-nrb", point["id"], {"listed": False}, OPERATOR)["listed"] is False
    audit = members.get_member(store, "npl-nrb")["audit"]
    assert [(a["action"], a["by"]) for a in audit] == [
        ("registered", "operator"), ("focal_point_added", "member:npl-nrb"), ("focal_point_edited", "member:npl-nrb"),
        ("focal_point_edited", "operator")]


def test_adding_the_same_focal_point_again_adds_none(store):
    add_point(store)
    add_point(store)
    assert len(members.get_member(store, "npl-nrb")["focal_points"]) == 1
    with pytest.raises(Conflict):
        add_point(store, role="Governor")


def test_a_private_contact_reaches_no_public_view_nor_another_member(store):
    add_point(store, share_contact_with="none")
    add_point(store, name="Second desk", listed=False, share_contact_with="public", contact={"email": "x@nrb.org.np"})
    doc = members.get_member(store, "npl-nrb")
    for seen in (members.view_for(doc), members.view_for(doc, CBK)):
        assert PRIVATE_EMAIL not in json.dumps(seen) and "x@nrb.org.np" not in json.dumps(seen)
    assert PRIVATE_EMAIL in json.dumps(members.view_for(doc, NRB))


def test_a_member_shares_its_contact_with_members_only(store):
    add_point(store, share_contact_with="members")
    doc = members.get_member(store, "npl-nrb")
    assert PRIVATE_EMAIL in json.dumps(members.view_for(doc, CBK))
    assert PRIVATE_EMAIL not in json.dumps(members.view_for(doc))


def test_a_proposed_resource_is_published_only_by_an_operator(store):
    proposal = resources.create(store, {"kind": "guide", "title": "Remittance data compilation guide",
                                        "summary": "compiling remittance statistics", "themes": ["statistics"],
                                        "practice_ids": ["measuring-remittance-flows"]}, NRB)
    assert proposal["status"] == "proposed"
    assert resources.search(store, q="statistics")["total"] == 0
    with pytest.raises(NotYourInstitution):
        resources.moderate(store, proposal["_id"], {"status": "published", "note": ""}, NRB)
    resources.moderate(store, proposal["_id"], {"status": "published", "note": ""}, OPERATOR)
    found = resources.search(store, q="remittance statistics")
    assert [r["id"] for r in found["items"]] == ["remittance-data-compilation-guide"] and found["items"][0]["score"] > 0
    with pytest.raises(Conflict):
        resources.moderate(store, proposal["_id"], {"status": "rejected", "note": ""}, OPERATOR)


def test_a_resource_links_published_practices_only(store):
    with pytest.raises(InvalidInput):
        resources.create(store, {"kind": "guide", "title": "A guide", "practice_ids": ["no-such-practice"]}, OPERATOR)


def ask(store, by=NRB, request_id="r1"):
    return peer_requests.ask(store, {"request_id": request_id, "title": "Compiling remittance statistics",
                                     "body": "", "theme": "statistics", "corridor": None}, by)


def test_a_request_asked_twice_is_one_and_its_publication_carries_the_theme(store):
    first, again = ask(store), ask(store)
    assert first["_id"] == again["_id"] and len(store.capacity.peer_requests()) == 1
    published = peer_requests.moderate(store, first["_id"], {"status": "published", "note": ""}, OPERATOR)
    pending = store.capacity.requests.find_one({"_id": first["_id"]})["outbox"]
    assert published["status"] == "published"
    assert [(e["type"], e["data"]["theme"], e["data"]["country"]) for e in pending] == [
        ("request.published", "statistics", "NPL")]
    peer_requests.moderate(store, first["_id"], {"status": "published", "note": ""}, OPERATOR)
    assert len(store.capacity.requests.find_one({"_id": first["_id"]})["outbox"]) == 1


def test_others_answer_and_only_the_asker_marks_what_helped(store):
    doc = ask(store)
    with pytest.raises(NotFound):  # not published yet
        peer_requests.answer(store, doc["_id"], {"request_id": "a1", "body": "We publish a price database."}, CBK)
    peer_requests.moderate(store, doc["_id"], {"status": "published", "note": ""}, OPERATOR)
    with pytest.raises(NotYourInstitution):
        ask(store, by=OPERATOR, request_id="r2")
    for _ in range(2):
        answered = peer_requests.answer(store, doc["_id"], {"request_id": "a1", "body": "Our survey."}, CBK)
    (reply,) = answered["answers"]
    with pytest.raises(NotYourInstitution):
        peer_requests.mark_helpful(store, doc["_id"], reply["id"], CBK)
    assert peer_requests.mark_helpful(store, doc["_id"], reply["id"], NRB)["answers"][0]["helpful"] is True


def test_a_published_request_on_a_theme_is_suggested_that_themes_practices(store):
    doc = ask(store)
    peer_requests.moderate(store, doc["_id"], {"status": "published", "note": ""}, OPERATOR)
    suggested = peer_requests.suggestions_for(store, doc["_id"], [])
    assert [p["id"] for p in suggested["practices"]] == ["measuring-remittance-flows"]


PLAN = {"title": "Nepal remittance plan", "baseline": {"period": "2011Q1", "cost_pct": 4.71},
        "targets": [{"year": 2014, "cost_pct": 3.0}], "corridors": ["ARE-NPL"],
        "practice_ids": ["g20-national-remittance-plans"]}


def test_an_institution_saves_only_its_own_plan_and_again_is_one_audit_entry(store):
    plan = PlanSchema().load(PLAN)
    with pytest.raises(NotYourInstitution):
        plans.save_plan(store, "npl-nrb", plan, CBK)
    plans.save_plan(store, "npl-nrb", plan, NRB)
    plans.save_plan(store, "npl-nrb", plan, NRB)
    assert plans.get_plan(store, "npl-nrb")["targets"] == [{"year": 2014, "cost_pct": 3.0}]
    assert [a["action"] for a in members.get_member(store, "npl-nrb")["audit"]].count("plan_saved") == 1


def test_the_workspace_is_its_institutions_alone(store):
    saved = WorkspaceSchema().load({"corridor_sets": [{"name": "Gulf", "corridors": ["ARE-NPL", "SAU-NPL"]}],
                                    "watched_countries": ["NPL"]})
    workspace.save_workspace(store, "npl-nrb", saved, NRB)
    for stranger in (CBK, PROVIDER):
        with pytest.raises(NotYourInstitution):
            workspace.get_workspace(store, "npl-nrb", stranger)
        with pytest.raises(NotYourInstitution):
            workspace.save_workspace(store, "npl-nrb", saved, stranger)
    assert workspace.get_workspace(store, "npl-nrb", NRB)["corridor_sets"][0]["corridors"] == ["ARE-NPL", "SAU-NPL"]
    assert workspace.get_workspace(store, "ken-cbk", CBK)["corridor_sets"] == []
