"""Learning resources and events: operators create published entries, member
institutions propose (``proposed`` until an operator publishes or rejects
it). Searched like the practice library, with its word index and ranking;
workshops and webinars with dates make the iCalendar feed."""
from observatory.clock import iso, utcnow
from observatory.errors import Conflict, InvalidInput
from services.catalog.exceptions import UnknownResource
from observatory.pagination import OffsetCursor, decode_cursor, encode_cursor
from observatory.vocabulary import ROLE_OPERATOR
from services.catalog import practices
from services.catalog.members import actor, audited, get_member, require_operator, require_operator_or_member
from observatory.audit import audit_entry

HIDDEN = ("terms", "title_terms", "summary_terms", "body_terms", "audit")
FEED_URL_BASE = "/api/v1/resources/"


def view(doc, score=None):
    answer = {k: v for k, v in doc.items() if k not in HIDDEN and k != "_id"}
    answer["id"] = doc["_id"]
    for name in ("start", "end", "created_at", "moderated_at"):
        if name in answer:
            answer[name] = iso(answer[name])
    if score is not None:
        answer["score"] = score
    return answer


def new_resource_doc(request, by, now):
    """A resource as inserted: published when an operator made it, else proposed by the institution."""
    by_operator = by["role"] == ROLE_OPERATOR
    resource_id = request.get("id") or practices.slugify(request["title"]) or "resource"
    return {**{k: v for k, v in request.items() if k != "id"}, "_id": resource_id,
            **practices._indexed(request),  # the practice library's word indexes, same ranking
            "status": "published" if by_operator else "proposed",
            "proposed_by": None if by_operator else by["member_id"], "created_at": now,
            "audit": [audit_entry("created", actor(by), sorted(request), None)]}


def create(store, request, by):
    if by["role"] != ROLE_OPERATOR:
        require_operator_or_member(by, by.get("member_id"))
        get_member(store, by["member_id"])  # a proposal names a registered institution
    require_known_practices(store, request.get("practice_ids", []))
    doc = new_resource_doc(request, by, utcnow())
    if not store.capacity.insert_resource(doc):
        raise Conflict("a resource with this id exists already", {"id": doc["_id"]})
    return store.capacity.resource(doc["_id"])


def get_resource(store, resource_id, by=None):
    """A published resource; a proposal only to operators and the institution that proposed it."""
    doc = store.capacity.resource(resource_id)
    visible = doc is not None and (doc["status"] == "published" or (by and (
        by["role"] == ROLE_OPERATOR or by.get("member_id") == doc.get("proposed_by"))))
    if not visible:
        raise UnknownResource("no such resource", {"id": resource_id})
    return doc


def moderate(store, resource_id, decision, by):
    """proposed → published or rejected (operators); moderating again changes nothing."""
    require_operator(by)
    doc = get_resource(store, resource_id, by)
    if doc["status"] != "proposed" and doc["status"] != decision["status"]:
        raise Conflict(f"the resource is {doc['status']} already", {"status": doc["status"]})
    update = {"$set": {"status": decision["status"], "moderated_at": utcnow(), "moderation_note": decision["note"]}}
    store.capacity.moderate_resource(resource_id, audited(update, decision["status"], by, ["status"]))
    return store.capacity.resource(resource_id)


def search(store, q=None, theme=None, kind=None, status=None, cursor=None, limit=50, by=None):
    """Resources matching every filter (the public sees published ones only);
    with ``q``, ranked as the practice library ranks."""
    if status not in (None, "published"):
        require_operator(by or {})
    filters = {"status": status or "published", "theme": theme, "kind": kind}
    offset = decode_cursor(cursor, OffsetCursor).get("offset", 0)
    if q:
        words = practices.terms(q)
        found = practices.ranked(store.capacity.resources_holding_any_term(words, **filters), words)
    else:
        found = [(None, d) for d in store.capacity.resources_matching(**filters)]
    page = [view(d, score) for score, d in found[offset:offset + limit]]
    more = offset + limit < len(found)
    return {"items": page, "total": len(found), "next_cursor": encode_cursor({"offset": offset + limit}) if more
            else None}


def calendar_events(resources):
    """The published resources with a start date as iCalendar events (plain
    dicts; the gateway renders them): an event without an end lasts its start day."""
    events = []
    for doc in resources:
        if doc.get("status") != "published" or not doc.get("start"):
            continue
        events.append({"uid": f"{doc['_id']}@remittances-observatory", "summary": doc["title"],
                       "start": doc["start"], "end": doc.get("end") or doc["start"],
                       "url": doc.get("link") or FEED_URL_BASE + doc["_id"]})
    return sorted(events, key=lambda e: (e["start"], e["uid"]))


def require_known_practices(store, practice_ids):
    """Links to practices name published ones."""
    unknown = [p for p in practice_ids if (store.practices.get(p) or {}).get("status") != "published"]
    if unknown:
        raise InvalidInput("linked practices must be published practices", {"practice_ids": unknown})


def proposals_of(store, member_id, by):
    """What an institution proposed, whatever its status: for itself and operators only."""
    require_operator_or_member(by, member_id)
    return [view(d) for d in store.capacity.resources_proposed_by(member_id)]
