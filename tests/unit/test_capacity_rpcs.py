"""The capacity RPCs as the gateway will call them (on the in-process store,
without a container): the input validated, the principal checked, the
published request's event flushed."""
import json

import pytest

from observatory.errors import NotYourInstitution
from observatory.errors import InvalidInput
from services.catalog.service_capacity import CapacityRpcs
from tests.unit.catalog_common import empty_catalog_store

OPERATOR = {"role": "operator"}
NRB = {"role": "member", "member_id": "npl-nrb"}
EMAIL = "remittance.desk@nrb.org.np"


class FlushRecorder:
    def __init__(self):
        self.flushed = []

    def flush(self, document_cls, document_id):
        self.flushed.append((document_cls, document_id))

    def flush_all(self):
        self.flushed.append("all")


@pytest.fixture
def catalog():
    service = CapacityRpcs()
    service.store, service.outbox = empty_catalog_store("capacity_rpc"), FlushRecorder()
    service.register_member({"id": "npl-nrb", "name": "Nepal Rastra Bank", "country": "NPL", "kind": "central_bank"},
                            OPERATOR)
    return service


def test_a_focal_point_request_with_an_unknown_field_is_refused_field_by_field(catalog):
    with pytest.raises(InvalidInput) as error:
        catalog.add_focal_point("npl-nrb", {"name": "Desk", "role": "Head", "salary": 1}, NRB)
    assert list(error.value.details["fields"]) == ["salary"]


def test_a_principal_that_is_not_valid_is_refused_before_anything_is_read(catalog):
    with pytest.raises(InvalidInput):
        catalog.add_focal_point("npl-nrb", {"name": "Desk", "role": "Head"}, {"role": "member"})
    with pytest.raises(NotYourInstitution):
        catalog.save_workspace("npl-nrb", {}, {"role": "member", "member_id": "ken-cbk"})


def test_the_public_member_answer_holds_no_private_contact(catalog):
    catalog.add_focal_point("npl-nrb", {"name": "Desk", "role": "Head", "listed": True,
                                        "contact": {"email": EMAIL}}, NRB)
    assert EMAIL not in json.dumps(catalog.get_member("npl-nrb"))
    assert EMAIL not in json.dumps(catalog.list_members())
    assert EMAIL in json.dumps(catalog.get_member("npl-nrb", NRB))


def test_publishing_a_request_flushes_its_event(catalog):
    asked = catalog.ask_peers({"request_id": "r1", "title": "Compiling remittance statistics",
                               "theme": "statistics"}, NRB)
    catalog.moderate_request(asked["id"], {"status": "published"}, OPERATOR)
    assert catalog.outbox.flushed == ["all"]  # the relay's flush of every outbox (the store's own connection)
    pending = catalog.store.capacity.requests.find_one({"_id": asked["id"]})["outbox"]
    assert [e["type"] for e in pending] == ["request.published"]
    assert [r["id"] for r in catalog.list_requests(theme="statistics")] == [asked["id"]]
