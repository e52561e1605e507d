"""The declared prices' queries, updates and indexes (part of ``CatalogStore``)."""
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from observatory.idempotency import collection_of
from services.catalog.models import DeclaredQuote


class DeclaredQuoteStore:
    def __init__(self, db):
        self.quotes = collection_of(DeclaredQuote, db)

    def ensure_indexes(self):
        self.quotes.create_index([("source", ASCENDING), ("destination", ASCENDING), ("period", ASCENDING)])
        self.quotes.create_index([("provider_id", ASCENDING)])

    def save(self, quote_id, state):
        """Store or replace one declared price; the price as now stored."""
        try:
            self.quotes.update_one({"_id": quote_id}, {"$set": state}, upsert=True)
        except DuplicateKeyError:  # two identical declarations at once: the other one inserted it
            self.quotes.update_one({"_id": quote_id}, {"$set": state})
        return self.quotes.find_one({"_id": quote_id})

    def matching(self, source=None, destination=None, period=None, provider_id=None, since=False):
        """Prices on a corridor (of one quarter, or from it on with ``since``)
        or of one provider, in no particular order."""
        wanted = {"source": source, "destination": destination, "provider_id": provider_id}
        query = {field: value for field, value in wanted.items() if value}
        if period:
            query["period"] = {"$gte": period} if since else period
        return list(self.quotes.find(query))

    def cost_inputs(self, source=None, destination=None, first=None, last=None):
        """What the declared corridor-cost series need of the prices on a corridor (or all), of the quarters
        from ``first`` to ``last`` (2014Q1) when given."""
        query = {field: value for field, value in (("source", source), ("destination", destination)) if value}
        if first or last:
            query["period"] = {**({"$gte": first} if first else {}), **({"$lte": last} if last else {})}
        fields = ("source", "destination", "period", "currency", "amount", "amount_usd", "total_cost_pct",
                  "declared_at")
        return list(self.quotes.find(query, {f: 1 for f in fields}))

    def repoint(self, from_id, to_id):
        """A merged entry's prices now belong to the entry it was merged into."""
        self.quotes.update_many({"provider_id": from_id}, {"$set": {"provider_id": to_id}})
