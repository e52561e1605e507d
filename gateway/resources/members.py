"""Member institutions and focal points: each handler is one call to the
catalog, acting as the caller (``acting``); reads show what the caller may see."""
from gateway.auth import MEMBER, OPERATOR
from gateway.routes.table import API, Reply
from observatory.errors import Conflict

# A member institution is a subscriber too: its notify subscriber has the member's id.
SUBSCRIBER_KINDS = {"ministry": "ministry", "central_bank": "central bank", "statistics_office": "statistics office",
                    "regulator": "other"}


def acting(principal):
    """The catalog's ``by``: an operator, a member institution, or None (anyone else reads as the public)."""
    if principal is None:
        return None
    if principal.role == OPERATOR:
        return {"role": OPERATOR}
    if principal.role == MEMBER:
        return {"role": MEMBER, "member_id": principal.subject_id}
    return None


def member_as_subscriber(catalog, notify, member_id):
    """The member institution (404 when unknown) and its notify subscriber,
    made with the member's id when it is not there yet (again: the same one)."""
    member = catalog.get_member(member_id, {"role": OPERATOR})
    wanted = {"id": member["id"], "name": member["name"], "country": member["country"],
              "kind": SUBSCRIBER_KINDS[member["kind"]]}
    try:
        notify.create_subscriber(wanted)
    except Conflict:
        existing = notify.get_subscriber(member["id"])
        if (existing["name"], existing["country"]) != (wanted["name"], wanted["country"]):
            raise Conflict("a subscriber with this member's id exists and is another institution",
                           {"member_id": member["id"]}) from None
    return member["id"]


class Members:
    def __init__(self, catalog):
        self.catalog = catalog

    def register_member(self, request, call):
        answer = self.catalog.register_member(call.body, acting(call.principal))
        return Reply(answer, headers={"Location": f"{API}/members/{answer['id']}"})

    def list_members(self, request, call):
        return {"items": self.catalog.list_members(call.params.get("country"), acting(call.principal))}

    def get_member(self, request, call):
        return self.catalog.get_member(call.path["member_id"], acting(call.principal))

    def add_focal_point(self, request, call):
        return self.catalog.add_focal_point(call.path["member_id"], call.body, acting(call.principal))

    def edit_focal_point(self, request, call):
        return self.catalog.edit_focal_point(call.path["member_id"], call.path["point_id"], call.body,
                                             acting(call.principal))
