"""Member institutions and their focal points. An operator registers an
institution; an operator or the institution itself adds and edits its focal
points (``by={"role", "member_id"}``; anyone else: 403). What others see of a
focal point is what it chose: unlisted ones only by its institution and
operators, contact details only by those ``share_contact_with`` names."""
from observatory.clock import iso, utcnow
from observatory.errors import Conflict
from services.catalog.exceptions import NotYourInstitution, UnknownMember
from observatory.vocabulary import ROLE_MEMBER, ROLE_OPERATOR
from observatory.audit import actor, audit_entry
from services.catalog.entries import MAX_AUDIT
from services.catalog.practices import slugify

INSTITUTION_FIELDS = ("id", "name", "country", "kind")


def require_operator(by):
    if by.get("role") != ROLE_OPERATOR:
        raise NotYourInstitution("only an operator may do this", {"role": by.get("role")})


def require_operator_or_member(by, member_id):
    """An operator, or the institution ``member_id`` acting for itself."""
    if by.get("role") == ROLE_OPERATOR or (by.get("role") == ROLE_MEMBER and by.get("member_id") == member_id):
        return
    raise NotYourInstitution("an institution changes only its own data", {"member_id": member_id})


def audited(update, action, by, fields):
    """``update`` plus its audit entry (who, when, what)."""
    merged = {op: dict(v) for op, v in update.items()}
    merged.setdefault("$push", {})["audit"] = {"$each": [audit_entry(action, actor(by), fields, None)],
                                               "$slice": -MAX_AUDIT}
    return merged


def get_member(store, member_id):
    doc = store.capacity.member(member_id)
    if doc is None:
        raise UnknownMember("no such member institution", {"id": member_id})
    return doc


def register(store, request, by):
    """A new institution (operators only); registering the same one again is a no-op."""
    require_operator(by)
    doc = {"_id": request["id"], **{k: request[k] for k in INSTITUTION_FIELDS if k != "id"}, "focal_points": [],
           "plan": {}, "workspace": {}, "version": 1, "created_at": utcnow(), "applied_events": [],
           "audit": [audit_entry("registered", actor(by), INSTITUTION_FIELDS, 1)]}
    if not store.capacity.insert_member(doc):
        existing = get_member(store, request["id"])
        if any(existing.get(k) != request[k] for k in INSTITUTION_FIELDS if k != "id"):
            raise Conflict("a member institution with this id exists already", {"id": request["id"]})
    return get_member(store, request["id"])


def add_focal_point(store, member_id, request, by):
    """A new focal point of the institution; adding the same one again is a no-op."""
    require_operator_or_member(by, member_id)
    member = get_member(store, member_id)
    point = {**request, "id": request.get("id") or slugify(request["name"]) or "focal-point"}
    update = audited({"$push": {"focal_points": point}}, "focal_point_added", by, [f"focal_points.{point['id']}"])
    if not store.capacity.update_member(member_id, update, **{"focal_points.id": {"$ne": point["id"]}}):
        existing = focal_point(get_member(store, member_id), point["id"])
        if existing != point:
            raise Conflict("a focal point with this id exists already", {"id": point["id"]})
    return focal_point(get_member(store, member["_id"]), point["id"])


def edit_focal_point(store, member_id, point_id, changes, by):
    require_operator_or_member(by, member_id)
    current = focal_point(get_member(store, member_id), point_id)
    changed = {k: v for k, v in changes.items() if current.get(k) != v}
    if changed:
        update = audited({"$set": {f"focal_points.$.{k}": v for k, v in changed.items()}}, "focal_point_edited",
                         by, [f"focal_points.{point_id}.{k}" for k in changed])
        store.capacity.update_member(member_id, update, **{"focal_points.id": point_id})
    return focal_point(get_member(store, member_id), point_id)


def focal_point(member, point_id):
    for point in member.get("focal_points", []):
        if point["id"] == point_id:
            return point
    raise UnknownMember("no such focal point", {"member_id": member["_id"], "id": point_id})


# -- what each reader sees ------------------------------------------------------
def _point_as_seen(point, contact_shown):
    seen = {k: v for k, v in point.items() if k not in ("contact", "share_contact_with")}
    if contact_shown:
        seen["contact"] = point.get("contact", {})
    return seen


def _institution(member, points):
    return {**{k: member[k] for k in INSTITUTION_FIELDS if k != "id"}, "id": member["_id"],
            "created_at": iso(member.get("created_at")), "focal_points": points}


def public_view(member):
    """Anyone: the listed focal points; contact details only of those who chose ``public``."""
    return _institution(member, [_point_as_seen(p, p.get("share_contact_with") == "public")
                                 for p in member.get("focal_points", []) if p.get("listed")])


def members_view(member):
    """Another member institution: the listed focal points; contacts shared with members or the public."""
    return _institution(member, [_point_as_seen(p, p.get("share_contact_with") in ("members", "public"))
                                 for p in member.get("focal_points", []) if p.get("listed")])


def own_view(member):
    """The institution itself and operators: everything, its audit too."""
    return {**_institution(member, list(member.get("focal_points", []))), "audit": member.get("audit", [])}


def view_for(member, by=None):
    """The view of ``member`` that ``by`` (None: the public) may read."""
    if by and (by.get("role") == ROLE_OPERATOR or by.get("member_id") == member["_id"]):
        return own_view(member)
    if by and by.get("role") == ROLE_MEMBER:
        return members_view(member)
    return public_view(member)
