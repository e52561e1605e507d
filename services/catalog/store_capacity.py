"""Capacity building's queries and updates (part of ``CatalogStore``):
member institutions (with their focal points, plan and workspace), learning
resources and peer-learning requests."""
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from observatory.idempotency import apply_once, collection_of
from services.catalog.models_capacity import LearningResource, MemberInstitution, PeerRequest, PlanTracking

BOOKKEEPING = {"outbox": 0, "applied_events": 0}


def _insert(collection, doc):
    """True when inserted; False when a document with its id exists already."""
    try:
        collection.insert_one(doc)
    except DuplicateKeyError:
        return False
    return True


class CapacityStore:
    def __init__(self, db):
        self.members = collection_of(MemberInstitution, db)
        self.resources = collection_of(LearningResource, db)
        self.requests = collection_of(PeerRequest, db)
        self.tracking = collection_of(PlanTracking, db)

    def ensure_indexes(self):
        self.members.create_index([("country", ASCENDING)])
        self.members.create_index([("focal_points.themes", ASCENDING)])
        for field in ("status", "themes", "kind", "terms", "start"):
            self.resources.create_index([(field, ASCENDING)])
        for field in ("status", "theme", "corridor", "member_id"):
            self.requests.create_index([(field, ASCENDING)])

    # -- member institutions ---------------------------------------------------
    def member(self, member_id):
        return self.members.find_one({"_id": member_id}, BOOKKEEPING)

    def insert_member(self, doc):
        return _insert(self.members, doc)

    def all_members(self, country=None):
        return list(self.members.find({"country": country} if country else {}, BOOKKEEPING).sort("_id", 1))

    def apply_to_member(self, request_id, member_id, update, **condition):
        """Apply ``update`` once per ``request_id`` (a re-run changes nothing), while ``condition`` holds."""
        return apply_once(self.members, request_id, {"_id": member_id, **condition}, update)

    def update_member(self, member_id, update, **condition):
        return self.members.update_one({"_id": member_id, **condition}, update).modified_count == 1

    # -- learning resources ----------------------------------------------------
    def resource(self, resource_id):
        return self.resources.find_one({"_id": resource_id}, BOOKKEEPING)

    def insert_resource(self, doc):
        return _insert(self.resources, doc)

    def moderate_resource(self, resource_id, update):
        """Apply ``update`` only while the resource is proposed (moderating twice is once)."""
        return self.resources.update_one({"_id": resource_id, "status": "proposed"}, update).modified_count == 1

    @staticmethod
    def _resource_filter(status=None, theme=None, kind=None, any_of_terms=None):
        query = {"status": status} if status else {}
        if theme:
            query["themes"] = theme
        if kind:
            query["kind"] = kind
        if any_of_terms is not None:
            query["terms"] = {"$in": any_of_terms or ["\0"]}  # no words: nothing matches
        return query

    def resources_holding_any_term(self, terms, **filters):
        return list(self.resources.find(self._resource_filter(any_of_terms=terms, **filters), BOOKKEEPING))

    def resources_proposed_by(self, member_id):
        return list(self.resources.find({"proposed_by": member_id}, BOOKKEEPING).sort("_id", 1))

    def resources_matching(self, **filters):
        return list(self.resources.find(self._resource_filter(**filters), BOOKKEEPING).sort("_id", 1))

    # -- peer-learning requests ------------------------------------------------
    def peer_request(self, request_id):
        return self.requests.find_one({"_id": request_id}, BOOKKEEPING)

    def insert_peer_request(self, doc):
        return _insert(self.requests, doc)

    def apply_to_peer_request(self, once_id, request_id, update, **condition):
        return apply_once(self.requests, once_id, {"_id": request_id, **condition}, update)

    def peer_requests(self, status=None, theme=None, member_id=None):
        query = {k: v for k, v in (("status", status), ("theme", theme), ("member_id", member_id)) if v}
        return list(self.requests.find(query, BOOKKEEPING).sort("_id", 1))

    # -- plan tracking -----------------------------------------------------------
    def members_with_plans(self):
        return [m for m in self.members.find({"plan.corridors": {"$exists": True}}, BOOKKEEPING).sort("_id", 1)]

    def tracked_progress(self, member_id):
        doc = self.tracking.find_one({"_id": member_id}, {"progress": 1})
        return (doc or {}).get("progress") or None

    def record_progress(self, once_id, member_id, update):
        """Apply ``update`` (the progress, its events in the outbox) once per ``once_id``; made when absent."""
        return apply_once(self.tracking, once_id, {"_id": member_id}, update, upsert=True)
