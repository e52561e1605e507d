"""Scheduled exports' queries and updates (part of ``NotifyStore``): a due
export is claimed with one conditional update (``observatory.leases``), and
its run is recorded only while the claim is still ours."""
import datetime as dt

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from observatory import leases
from observatory.idempotency import collection_of
from services.notify.models import ScheduledExport

AFTER = ReturnDocument.AFTER
NOT_SHOWN = {"secrets": 0, "claimed_by": 0, "lease_until": 0, "run_of": 0}


class ScheduledExportStore:
    def __init__(self, db):
        self.exports = collection_of(ScheduledExport, db)

    def ensure_indexes(self):
        self.exports.create_indexes([IndexModel([("status", ASCENDING), ("next_due_at", ASCENDING)]),
                                     IndexModel([("subscriber_id", ASCENDING)])])

    def add(self, doc):
        try:
            self.exports.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    def own(self, subscriber_id, export_id):
        return self.exports.find_one({"_id": export_id, "subscriber_id": subscriber_id, "status": "active"},
                                     NOT_SHOWN)

    def of_subscriber(self, subscriber_id):
        return list(self.exports.find({"subscriber_id": subscriber_id, "status": "active"}, NOT_SHOWN)
                    .sort("created_at", ASCENDING))

    def change(self, subscriber_id, export_id, changed, audit_entry):
        """The active export with ``changed`` set and its audit entry, as it now is (None: not ours, or gone)."""
        return self.exports.find_one_and_update(
            {"_id": export_id, "subscriber_id": subscriber_id, "status": "active"},
            {"$set": changed, "$push": {"audit": audit_entry}}, projection=NOT_SHOWN, return_document=AFTER)

    def delete(self, subscriber_id, export_id, audit_entry):
        """Marked deleted (kept, with its audit), as it now is; None when it is not ours or deleted already."""
        return self.exports.find_one_and_update(
            {"_id": export_id, "subscriber_id": subscriber_id, "status": "active"},
            {"$set": {"status": "deleted"}, "$push": {"audit": audit_entry}}, projection=NOT_SHOWN,
            return_document=AFTER)

    def audit_of(self, subscriber_id):
        """Every audit entry of the institution's exports, deleted ones too, each with its export's id."""
        docs = self.exports.find({"subscriber_id": subscriber_id}, {"audit": 1}).sort("created_at", ASCENDING)
        return [{**entry, "export_id": d["_id"]} for d in docs for entry in d.get("audit", [])]

    def claim_due(self, worker, lease_seconds, now):
        """One active export whose time has come and that no live claim holds, now ours (or None)."""
        available = {"status": "active", "next_due_at": {"$lte": now},
                     "$or": [{"lease_until": None}, {"lease_until": {"$lte": now}}]}
        return leases.claim_one(self.exports, available, leases.new_token(worker),
                                {"lease_until": now + dt.timedelta(seconds=lease_seconds)})

    def record_run(self, claimed, run, next_due_at, run_of=None):
        """The run's outcome and the next due time (``run_of``: the due time a failed run is retried for),
        only while ``claimed`` is still our claim."""
        update = {"$set": {"last_run": run, "next_due_at": next_due_at, "run_of": run_of, "lease_until": None,
                           "claimed_by": None}}
        if run["status"] == "delivered":
            update["$inc"] = {"runs": 1}
        held = leases.held_by({"_id": claimed["_id"]}, claimed["claimed_by"])
        return self.exports.update_one(held, update).modified_count == 1
