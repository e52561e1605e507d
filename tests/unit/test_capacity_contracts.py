"""The capacity requests refuse what they do not name, bound every string and
list, and say field by field what is wrong (InvalidInput: a 400, never a 500).
Hostile inputs made from the real practice library and issue 21's examples."""
import json

import pytest

from observatory.contracts import contract_for
from observatory.contracts.capacity import (
    FocalPointSchema,
    MemberCreateSchema,
    PeerRequestCreateSchema,
    PlanSchema,
    PrincipalSchema,
    ResourceCreateSchema,
    WorkspaceSchema,
)
from observatory.contracts.events import PRODUCED_BY
from observatory.errors import InvalidInput, validated
from services.catalog import messages, practices

NEPAL_BANK = {"id": "npl-nrb", "name": "Nepal Rastra Bank", "country": "NPL", "kind": "central_bank"}
PLAN = {"title": "Nepal remittance plan", "baseline": {"period": "2011Q1", "cost_pct": 4.71},
        "targets": [{"year": 2014, "cost_pct": 3.0}], "corridors": ["ARE-NPL"]}


def refused(schema, payload):
    with pytest.raises(InvalidInput) as error:
        validated(schema, payload)
    assert error.value.status == 400
    return error.value.details["fields"]


def test_an_institution_of_an_unknown_kind_or_with_an_extra_field_is_refused():
    assert validated(MemberCreateSchema(), NEPAL_BANK)["kind"] == "central_bank"
    assert "kind" in refused(MemberCreateSchema(), {**NEPAL_BANK, "kind": "bank"})
    assert "role" in refused(MemberCreateSchema(), {**NEPAL_BANK, "role": "operator"})
    assert "country" in refused(MemberCreateSchema(), {**NEPAL_BANK, "country": "NPL\n"})


def test_a_focal_point_chooses_among_the_sharing_vocabulary_and_its_contact_is_checked():
    point = {"name": "Remittance desk", "role": "Head of statistics"}
    assert validated(FocalPointSchema(), point)["share_contact_with"] == "none"  # private unless chosen
    assert "share_contact_with" in refused(FocalPointSchema(), {**point, "share_contact_with": "everyone"})
    assert "contact" in refused(FocalPointSchema(), {**point, "contact": {"email": "not an address"}})
    assert "name" in refused(FocalPointSchema(), {**point, "name": "x" * 201})


def test_a_member_principal_names_its_institution():
    assert "member_id" in refused(PrincipalSchema(), {"role": "member"})
    assert "role" in refused(PrincipalSchema(), {"role": "provider", "member_id": "npl-nrb"})


def test_a_resource_with_a_long_title_or_an_end_before_its_start_is_refused():
    title = practices.terms(json.loads(practices.SEED_FILE.read_text(encoding="utf-8"))[0]["title"])
    resource = {"kind": "workshop", "title": " ".join(title), "start": "2025-03-04T09:00:00",
                "end": "2025-03-03T09:00:00"}
    assert "end" in refused(ResourceCreateSchema(), resource)
    assert "title" in refused(ResourceCreateSchema(), {**resource, "title": "x" * 301, "end": None})
    assert "link" in refused(ResourceCreateSchema(), {**resource, "end": None, "link": "javascript:alert(1)"})


def test_a_request_names_a_theme_or_a_corridor():
    request = {"request_id": "r1", "title": "Lowering the cost of ARE→NPL"}
    assert "theme" in refused(PeerRequestCreateSchema(), request)
    assert validated(PeerRequestCreateSchema(), {**request, "corridor": "ARE-NPL"})["corridor"] == "ARE-NPL"
    assert "corridor" in refused(PeerRequestCreateSchema(), {**request, "corridor": "ARE→NPL"})


def test_a_plan_has_one_target_a_year_and_costs_within_0_and_100():
    assert validated(PlanSchema(), PLAN)["series"] == "observed"
    assert "targets" in refused(PlanSchema(), {**PLAN, "targets": PLAN["targets"] * 2})
    assert "targets" in refused(PlanSchema(), {**PLAN, "targets": [{"year": 2014, "cost_pct": 101}]})
    assert "baseline" in refused(PlanSchema(), {**PLAN, "baseline": {"period": "2014Q5", "cost_pct": 4.7}})


def test_a_workspace_bounds_its_lists():
    assert "watched_corridors" in refused(WorkspaceSchema(), {"watched_corridors": ["ARE-NPL"] * 201})
    assert "owner" in refused(WorkspaceSchema(), {"owner": "ken-cbk"})


def test_request_published_is_the_catalogs_and_valid_against_its_contract():
    assert "request.published" in PRODUCED_BY["catalog"]
    doc = {"_id": "0123456789abcdef", "member_id": "npl-nrb", "country": "NPL",
           "title": "Compiling remittance statistics", "theme": "statistics", "corridor": None}
    event = messages.request_published(doc)
    assert contract_for("request.published").load(event["data"])["theme"] == "statistics"
