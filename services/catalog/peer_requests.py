"""Peer-learning requests: a member institution asks on a theme and/or a
corridor (``proposed`` until an operator publishes it, with its
``request.published``, or rejects it); other institutions answer; the asker
marks the answer that helped. A re-run with the same request id asks once."""
import hashlib

from observatory.clock import iso, utcnow
from observatory.errors import Conflict
from services.catalog.exceptions import NotYourInstitution, UnknownRequest
from observatory.outbox import with_outbox
from observatory.vocabulary import ROLE_MEMBER, ROLE_OPERATOR
from services.catalog import messages, peer_suggestions
from observatory.audit import audit_entry
from services.catalog.members import actor, audited, get_member, require_operator, require_operator_or_member


def request_key(member_id, request_id):
    """The request's id: the same asker and request id always make the same one."""
    return hashlib.sha256(f"{member_id}\0{request_id}".encode()).hexdigest()[:16]


def view(doc):
    answer = {k: v for k, v in doc.items() if k not in ("_id", "audit")}
    answer.update(id=doc["_id"], created_at=iso(doc.get("created_at")))
    return answer


def ask(store, request, by):
    """A member institution's new request (proposed); the same request id again returns it unchanged."""
    if by.get("role") != ROLE_MEMBER:
        raise_not_member(by)
    member = get_member(store, by["member_id"])
    doc = {"_id": request_key(member["_id"], request["request_id"]), "member_id": member["_id"],
           "country": member["country"], **{k: request[k] for k in ("title", "body", "theme", "corridor")},
           "status": "proposed", "answers": [], "created_at": utcnow(), "applied_events": [], "outbox": [],
           "audit": [audit_entry("asked", actor(by), ["title", "body", "theme", "corridor"], None)]}
    store.capacity.insert_peer_request(doc)  # False: asked already, the first stands
    return store.capacity.peer_request(doc["_id"])


def raise_not_member(by):
    raise NotYourInstitution("only a member institution asks its peers", {"role": by.get("role")})


def get_request(store, request_id, by=None):
    """A published request; a proposed or rejected one only to operators and its asker."""
    doc = store.capacity.peer_request(request_id)
    visible = doc is not None and (doc["status"] == "published" or (by and (
        by.get("role") == ROLE_OPERATOR or by.get("member_id") == doc["member_id"])))
    if not visible:
        raise UnknownRequest("no such peer-learning request", {"id": request_id})
    return doc


def moderate(store, request_id, decision, by):
    """proposed → published (with ``request.published``) or rejected; again: no change."""
    require_operator(by)
    doc = get_request(store, request_id, by)
    if doc["status"] not in ("proposed", decision["status"]):
        raise Conflict(f"the request is {doc['status']} already", {"status": doc["status"]})
    update = audited({"$set": {"status": decision["status"], "moderation_note": decision["note"]}},
                     decision["status"], by, ["status"])
    if decision["status"] == "published":
        update = with_outbox(update, messages.request_published({**doc, "status": "published"}))
    store.capacity.apply_to_peer_request(f"moderated:{decision['status']}", request_id, update, status="proposed")
    return store.capacity.peer_request(request_id)


def answer(store, request_id, reply, by):
    """Another member institution answers a published request (once per its request id)."""
    if by.get("role") != ROLE_MEMBER:
        raise_not_member(by)
    doc = get_request(store, request_id)
    if doc["member_id"] == by["member_id"]:
        raise Conflict("an institution does not answer its own request", {"id": request_id})
    get_member(store, by["member_id"])
    answer_id = request_key(by["member_id"], reply["request_id"])
    entry = {"id": answer_id, "member_id": by["member_id"], "body": reply["body"], "at": iso(utcnow()),
             "helpful": False}
    store.capacity.apply_to_peer_request(answer_id, request_id,
                                         audited({"$push": {"answers": entry}}, "answered", by, ["answers"]))
    return store.capacity.peer_request(request_id)


def mark_helpful(store, request_id, answer_id, by):
    """The asker (or an operator) marks the answer that helped."""
    doc = get_request(store, request_id, by)
    require_operator_or_member(by, doc["member_id"])
    if answer_id not in {a["id"] for a in doc["answers"]}:
        raise UnknownRequest("no such answer", {"request_id": request_id, "answer_id": answer_id})
    store.capacity.apply_to_peer_request(f"helpful:{answer_id}", request_id, audited(
        {"$set": {"answers.$.helpful": True}}, "marked_helpful", by, [f"answers.{answer_id}"]),
        **{"answers.id": answer_id})
    return store.capacity.peer_request(request_id)


def listed(store, theme=None, member_id=None, status=None, by=None):
    """Published requests for anyone; others' statuses for operators, an asker's own for itself."""
    if status not in (None, "published") and not (by and (by.get("role") == ROLE_OPERATOR or (
            member_id and by.get("member_id") == member_id))):
        require_operator(by or {})
    return [view(d) for d in store.capacity.peer_requests(status or "published", theme, member_id)]


def suggestions_for(store, request_id, improved_countries, by=None):
    """``peer_suggestions.suggest`` over the published library, resources and every institution."""
    doc = get_request(store, request_id, by)
    return peer_suggestions.suggest(doc, store.practices.all_published(),
                                    store.capacity.resources_matching(status="published"),
                                    store.capacity.all_members(), improved_countries)
