"""Every query, update and index of the catalog, on its pymongo database.

``CatalogStore(db)`` is what the service's ``MongoStore`` hands its workers
and what the business modules take as their first argument: provider
entries, the raw names they resolved from, import batches and applied
datasets here; declared prices, the practice library and capacity building in the store
modules it composes (``store.declared``, ``store.practices``, ``store.capacity``). Plain pymongo
operations both MongoDB and mongomock support; single-document atomic writes
only (no transactions).
"""
import re

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from observatory.clock import utcnow
from observatory.idempotency import apply_once, collection_of
from observatory.pagination import keyset_page
from services.catalog import resolution
from services.catalog.models import STORE_ALIAS, ObservedBatch, ObservedDataset, Practice, Provider, ProviderAlias
from services.catalog.store_capacity import CapacityStore
from services.catalog.store_declared import DeclaredQuoteStore
from services.catalog.store_practices import PracticeStore

__all__ = ["STORE_ALIAS", "DB_NAME", "CatalogStore", "Provider", "Practice"]

DB_NAME = "observatory_catalog"
# What a provider list or page never shows: bookkeeping and the lookup indexes.
HIDDEN = {"outbox": 0, "applied_events": 0, "audit": 0, "alias_keys": 0, "typo_keys": 0, "terms": 0}
PROVIDER_INDEXES = ("aliases", "alias_keys", "typo_keys", "types", "countries", "corridor_keys", "terms",
                    "former_ids")


class CatalogStore:
    def __init__(self, db):
        self.db = db
        self.providers = collection_of(Provider, db)
        self.aliases = collection_of(ProviderAlias, db)
        self.batches = collection_of(ObservedBatch, db)
        self.datasets = collection_of(ObservedDataset, db)
        self.declared = DeclaredQuoteStore(db)
        self.practices = PracticeStore(db)
        self.capacity = CapacityStore(db)

    def ensure_indexes(self):
        for field in PROVIDER_INDEXES:
            self.providers.create_index([(field, ASCENDING)])
        self.aliases.create_index([("provider_id", ASCENDING)])
        self.declared.ensure_indexes()
        self.practices.ensure_indexes()
        self.capacity.ensure_indexes()

    # -- provider entries ------------------------------------------------------
    def provider(self, provider_id):
        """The raw document of an entry, or None."""
        return self.providers.find_one({"_id": provider_id})

    def provider_or_merged(self, provider_id):
        """The entry with this id, else the one it was merged into; None when neither."""
        return self.provider(provider_id) or self.providers.find_one({"former_ids": provider_id})

    def provider_exists(self, provider_id):
        return bool(self.providers.count_documents({"_id": provider_id}, limit=1))

    def id_taken(self, provider_id):
        """An entry has this id, or had it before a merge (ids are never reused)."""
        return bool(self.providers.count_documents({"$or": [{"_id": provider_id}, {"former_ids": provider_id}]},
                                                   limit=1))

    def provider_with_alias(self, name):
        found = self.providers.find_one({"aliases": name}, {"_id": 1})
        return found and found["_id"]

    def provider_with_key(self, name_key):
        """The first entry (by id) one of whose names has this resolution key."""
        found = self.providers.find_one({"alias_keys": name_key}, {"_id": 1}, sort=[("_id", 1)])
        return found and found["_id"]

    def typo_candidates(self, deletion_keys):
        """Entries sharing a deletion key with a name ({_id, aliases}), by id."""
        found = self.providers.find({"typo_keys": {"$in": deletion_keys}}, {"aliases": 1})
        return sorted(found, key=lambda c: c["_id"])

    def insert_provider(self, doc):
        """True when inserted; False when an entry with its id exists already."""
        try:
            self.providers.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    def apply_to_provider(self, request_id, provider_id, version, update):
        """Apply ``update`` to the entry still at ``version``, once per ``request_id``."""
        return apply_once(self.providers, request_id, {"_id": provider_id, "version": version},
                          update)

    def update_provider_at(self, provider_id, version, update):
        """Apply ``update`` if the entry is still at ``version``; True when it was."""
        return self.providers.update_one({"_id": provider_id, "version": version}, update).modified_count == 1

    def delete_provider(self, provider_id):
        self.providers.delete_one({"_id": provider_id})

    def provider_page(self, cursor=None, limit=50, **filters):
        """A page of entries in id order, and how many match in all."""
        query = self._provider_filter(**filters)
        return keyset_page(self.providers, query, cursor, limit, projection=HIDDEN), self.providers.count_documents(query)

    def _provider_filter(self, type=None, country=None, corridor=None, q=None, alias=None):
        query = {}
        if type:
            query["types"] = type
        if country:
            query["countries"] = country
        if corridor:
            query["corridor_keys"] = corridor
        if q:
            wanted = resolution.words(q) or [re.sub(r"\W", "", q.lower())]
            query["terms"] = {"$all": wanted}
        if alias is not None:
            query["_id"] = self.resolved_ids([alias]).get(alias)
        return query

    def provider_names(self, provider_ids):
        found = self.providers.find({"_id": {"$in": sorted(set(provider_ids))}}, {"name": 1})
        return {d["_id"]: d["name"] for d in found}

    def providers_serving(self, iso3, limit):
        """Entries with the country as sender or receiver ({_id, name, types}), by id."""
        return list(self.providers.find({"countries": iso3}, {"name": 1, "types": 1}).sort("_id", 1).limit(limit))

    # -- raw names -------------------------------------------------------------
    def alias(self, name):
        return self.aliases.find_one({"_id": name})

    def aliases_named(self, names):
        return list(self.aliases.find({"_id": {"$in": list(names)}}))

    def resolved_ids(self, names):
        """{name: provider id} for the names that resolved to an entry."""
        found = self.aliases.find({"_id": {"$in": sorted(set(names))}}, {"provider_id": 1})
        return {d["_id"]: d["provider_id"] for d in found}

    def claim_alias(self, name, provider_id, how):
        """The name's own record, unless it has one (the first claim stands)."""
        try:
            self.aliases.insert_one({"_id": name, "provider_id": provider_id, "how": how, "applied_events": []})
        except DuplicateKeyError:
            pass

    def apply_to_alias(self, event_id, name, update):
        return apply_once(self.aliases, event_id, {"_id": name}, update)

    def repoint_aliases(self, from_id, to_id, how):
        self.aliases.update_many({"provider_id": from_id}, {"$set": {"provider_id": to_id, "how": how}})

    def reserve_split(self, name, new_id):
        """Record the id a split of this name goes to (a re-run reuses it)."""
        self.aliases.update_one({"_id": name}, {"$set": {"split_into": new_id}}, upsert=True)
        return self.alias(name)

    def pin_split(self, name, new_id, by, from_id):
        """The name now resolves to its own entry, pinned there by ``by``."""
        self.aliases.update_one({"_id": name}, {"$set": {"provider_id": new_id, "how": "split", "pinned": by,
                                                         "split_from": from_id}})

    # -- import batches and applied datasets -----------------------------------
    def record_batch(self, event_id, dataset_id, providers, event):
        """One import's batch with its pending event; a redelivery finds it recorded and adds nothing."""
        try:
            self.batches.insert_one({"_id": event_id, "dataset_id": dataset_id, "providers": providers,
                                     "at": utcnow(), "applied_events": [event_id], "outbox": [event]})
        except DuplicateKeyError:  # recorded: its event sent, or pending in its outbox
            pass

    def record_applied_dataset(self, dataset_id, firms, how):
        self.datasets.update_one({"_id": dataset_id},
                                 {"$setOnInsert": {"firms": firms, "how": how, "applied_at": utcnow()}}, upsert=True)

    def applied_dataset_ids(self):
        return {d["_id"] for d in self.datasets.find({}, {"_id": 1})}
