"""The declared prices' queries, updates and indexes (part of ``CatalogStore``): the prices now
(``declared_quotes``) and every state each had (``declared_quote_versions``, append-only but for the
``valid_to`` that closes one), so that an SDMX answer ``asOf`` a time reads the prices declared then."""
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from observatory.clock import utcnow
from observatory.idempotency import collection_of
from services.catalog.declared_versions import same_price, version_doc
from services.catalog.models import DeclaredQuote

VERSION_ATTEMPTS = 3  # another declaration of the same price at once took the next version: look again
COST_FIELDS = ("source", "destination", "period", "currency", "amount", "amount_usd", "total_cost_pct", "declared_at")


def in_force(at):
    """The versions in force at ``at``."""
    return {"valid_from": {"$lte": at}, "$or": [{"valid_to": None}, {"valid_to": {"$gt": at}}]}


def _corridor_query(source, destination, first, last):
    query = {field: value for field, value in (("source", source), ("destination", destination)) if value}
    if first or last:
        query["period"] = {**({"$gte": first} if first else {}), **({"$lte": last} if last else {})}
    return query


class DeclaredQuoteStore:
    def __init__(self, db):
        self.quotes = collection_of(DeclaredQuote, db)
        self.versions = db["declared_quote_versions"]

    def ensure_indexes(self):
        self.quotes.create_index([("source", ASCENDING), ("destination", ASCENDING), ("period", ASCENDING)])
        self.quotes.create_index([("provider_id", ASCENDING)])
        self.versions.create_index([("quote_id", ASCENDING), ("seq", DESCENDING)], unique=True)
        self.versions.create_index([("source", ASCENDING), ("destination", ASCENDING), ("period", ASCENDING),
                                    ("valid_from", ASCENDING)])
        self.versions.create_index([("provider_id", ASCENDING)])
        self.keep_first_versions()

    def keep_first_versions(self):
        """A price declared before versions were kept gets its first one, from its declaration (idempotent:
        run at every start; a store's declared prices are a few thousand)."""
        kept = set(self.versions.distinct("quote_id"))
        for doc in self.quotes.find({"_id": {"$nin": sorted(kept)}} if kept else {}):
            state = {k: v for k, v in doc.items() if k != "_id"}
            try:
                self.versions.insert_one(version_doc(doc["_id"], state, None, doc.get("declared_at") or utcnow()))
            except DuplicateKeyError:  # another instance starting kept it
                pass

    def save(self, quote_id, state):
        """Store or replace one declared price, its version kept first (a retry finds it kept); the price as
        now stored."""
        self.keep_version(quote_id, state)
        try:
            self.quotes.update_one({"_id": quote_id}, {"$set": state}, upsert=True)
        except DuplicateKeyError:  # two identical declarations at once: the other one inserted it
            self.quotes.update_one({"_id": quote_id}, {"$set": state})
        return self.quotes.find_one({"_id": quote_id})

    def keep_version(self, quote_id, state):
        """A new version when the price changed, valid from its declaration; the one it replaces closed then.
        The same price declared again (a retry) keeps the version it has."""
        for _ in range(VERSION_ATTEMPTS):
            latest = self.versions.find_one({"quote_id": quote_id}, sort=[("seq", DESCENDING)])
            if latest is not None and latest.get("valid_to") is None and same_price(latest, state):
                return
            doc = version_doc(quote_id, state, latest, state.get("declared_at") or utcnow())
            try:
                self.versions.insert_one(doc)
            except DuplicateKeyError:
                continue
            self.versions.update_many({"quote_id": quote_id, "seq": {"$lt": doc["seq"]}, "valid_to": None},
                                      {"$set": {"valid_to": doc["valid_from"]}})
            return

    def matching(self, source=None, destination=None, period=None, provider_id=None, since=False):
        """Prices on a corridor (of one quarter, or from it on with ``since``)
        or of one provider, in no particular order."""
        wanted = {"source": source, "destination": destination, "provider_id": provider_id}
        query = {field: value for field, value in wanted.items() if value}
        if period:
            query["period"] = {"$gte": period} if since else period
        return list(self.quotes.find(query))

    def cost_inputs(self, source=None, destination=None, first=None, last=None, at=None):
        """What the declared corridor-cost series need of the prices on a corridor (or all), of the quarters
        from ``first`` to ``last`` (2014Q1) when given: the prices now, or those in force at ``at``."""
        query = _corridor_query(source, destination, first, last)
        if at is None:
            return list(self.quotes.find(query, {f: 1 for f in COST_FIELDS}))
        return list(self.versions.find({**query, **in_force(at)}, {f: 1 for f in COST_FIELDS}))

    def repoint(self, from_id, to_id):
        """A merged entry's prices (and their versions) now belong to the entry it was merged into."""
        self.quotes.update_many({"provider_id": from_id}, {"$set": {"provider_id": to_id}})
        self.versions.update_many({"provider_id": from_id}, {"$set": {"provider_id": to_id}})
