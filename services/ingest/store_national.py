"""Every query, update and index of national submissions: reporters,
submissions and published national observations (``national_models``).
Single-document conditional updates only (MongoDB and mongomock)."""
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from observatory.outbox import with_outbox
from observatory.pagination import keyset_page
from services.ingest.national_models import NationalObservation, NationalSubmission, Reporter

LISTED = {"outbox": 0, "applied_events": 0, "staged": 0, "errors": 0, "raw": 0}
SUBMISSION = {"outbox": 0, "applied_events": 0, "staged": 0, "raw": 0}


class NationalStore:
    def __init__(self, db):
        self.reporters = db[Reporter._meta["collection"]]
        self.submissions = db[NationalSubmission._meta["collection"]]
        self.observations = db[NationalObservation._meta["collection"]]

    def ensure_indexes(self):
        self.submissions.create_index([("reporter_id", ASCENDING), ("created_at", DESCENDING)])
        self.submissions.create_index([("status", ASCENDING), ("embargo_until", ASCENDING)])
        self.submissions.create_index([("created_at", DESCENDING)])
        self.observations.create_index([("country", ASCENDING), ("_id", ASCENDING)])

    # -- reporters ------------------------------------------------------------------
    def add_reporter(self, doc):
        """Insert a reporter; the stored one when its id exists (a repeated request)."""
        try:
            self.reporters.insert_one(doc)
            return doc, True
        except DuplicateKeyError:
            return self.reporters.find_one({"_id": doc["_id"]}), False

    def reporter(self, reporter_id):
        return self.reporters.find_one({"_id": reporter_id})

    def reporters_page(self, cursor, limit):
        return keyset_page(self.reporters, {}, cursor, limit)

    def reporter_names(self, reporter_ids):
        return {r["_id"]: r for r in self.reporters.find({"_id": {"$in": list(reporter_ids)}})}

    # -- submissions -------------------------------------------------------------------
    def add_submission(self, doc):
        """Insert a submission; False when it exists (the same file from the same reporter)."""
        try:
            self.submissions.insert_one(doc)
            return True
        except DuplicateKeyError:
            return False

    def submission(self, submission_id, projection=SUBMISSION):
        return self.submissions.find_one({"_id": submission_id}, projection)

    def staged(self, submission_id):
        doc = self.submissions.find_one({"_id": submission_id}, {"staged": 1})
        return doc.get("staged") if doc else None

    def raw(self, submission_id):
        """The bytes of a submission still being processed (None once it is validated or failed)."""
        doc = self.submissions.find_one({"_id": submission_id}, {"raw": 1})
        return doc.get("raw") if doc else None

    def finish_processing(self, submission_id, fields):
        """Set what validation found while the submission is ``processing``, dropping its bytes; True when
        this call did it (a redelivered validation command finds it done)."""
        done = self.submissions.update_one({"_id": submission_id, "status": "processing"},
                                           {"$set": fields, "$unset": {"raw": ""}})
        return done.modified_count == 1

    def submissions_page(self, reporter_id, status, cursor, limit):
        query = {**({"reporter_id": reporter_id} if reporter_id else {}), **({"status": status} if status else {})}
        return keyset_page(self.submissions, query, cursor, limit, newest_first=True, projection=LISTED)

    def move(self, submission_id, from_statuses, fields, log_entry, events=()):
        """Set ``fields`` while the submission is in one of ``from_statuses``, logging and queueing in the
        same write; True when it moved."""
        update = {"$set": fields, "$push": {"log": log_entry}}
        update = with_outbox(update, *events) if events else update
        done = self.submissions.update_one({"_id": submission_id, "status": {"$in": list(from_statuses)}}, update)
        return done.modified_count == 1

    def due_embargoes(self, now, limit=100):
        return [d["_id"] for d in self.submissions.find({"status": "embargoed", "embargo_until": {"$lte": now}},
                                                        {"_id": 1}).limit(limit)]

    def upcoming_embargoes(self, now, limit=500):
        return list(self.submissions.find({"status": "embargoed", "embargo_until": {"$gt": now}},
                                          {"reporter_id": 1, "country": 1, "embargo_until": 1, "periods": 1,
                                           "created_at": 1}).sort("embargo_until", ASCENDING).limit(limit))

    # -- published observations ---------------------------------------------------------
    def country_observations(self, country, include_deleted=False):
        query = {"country": country, **({} if include_deleted else {"deleted": None})}
        return list(self.observations.find(query).sort("_id", ASCENDING))

    def observations_page(self, query, cursor, limit):
        return keyset_page(self.observations, {**query, "deleted": None}, cursor, limit)

    def write_observation(self, doc):
        self.observations.replace_one({"_id": doc["_id"]}, doc, upsert=True)

    def published_countries(self):
        return sorted(self.observations.distinct("country", {"deleted": None}))
