"""Claiming work under a lease: one conditional update decides who holds it.

Work items (an import, a delivery attempt) are documents. A worker claims the
ones ``available`` selects (free, or held under a lease that ran out) by
stamping its own token on them in one update whose filter repeats
``available``: an item another worker claimed in between no longer matches,
so each item has one holder. Whatever the holder records later is checked
against its token (``held_by``), so a worker whose lease ran out and was taken
over cannot overwrite the new holder's outcome.
"""
import uuid

from pymongo import ReturnDocument


def new_token(worker):
    """A claim token unique to this claim, readable in the store (``worker:hex``)."""
    return f"{worker}:{uuid.uuid4().hex[:12]}"


def claim_one(collection, available, token, claim_fields, projection=None):
    """Claim the one item ``available`` selects; the item as now claimed, or None."""
    return collection.find_one_and_update(available, {"$set": {"claimed_by": token, **claim_fields}},
                                          projection=projection, return_document=ReturnDocument.AFTER)


def claim_many(collection, available, token, claim_fields, size, order):
    """Claim up to ``size`` items ``available`` selects, first by ``order``
    (a field name); the items now ours, as a list (empty when none was free)."""
    ids = [d["_id"] for d in collection.find(available, {"_id": 1}).sort(order, 1).limit(size)]
    if not ids:
        return []
    collection.update_many({"$and": [{"_id": {"$in": ids}}, available]},
                           {"$set": {"claimed_by": token, **claim_fields}})
    return list(collection.find({"_id": {"$in": ids}, "claimed_by": token}).sort(order, 1))


def held_by(query, token):
    """``query`` narrowed to the items still held under ``token``."""
    return {**query, "claimed_by": token}
