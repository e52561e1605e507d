"""The MongoDB connection each service opens for its own database.

With ``MONGODB_URI`` set, a real server. Without it, an in-process mongomock
store: fine for development and tests, but it keeps nothing, so the service
says so loudly when it starts.
"""
import datetime as dt
import logging

import mongoengine
import mongomock
from nameko.extensions import DependencyProvider

log = logging.getLogger(__name__)

IN_PROCESS_WARNING = (
    "\n" + "!" * 78 + "\n"
    "!! MONGODB_URI is not set: %s keeps its data in an in-process mongomock store.\n"
    "!! Nothing is kept when the process stops. Set MONGODB_URI for real use.\n" + "!" * 78
)


def connect_store(alias, db_name, uri=None):
    """Register the mongoengine connection ``alias`` for database ``db_name``."""
    if uri:
        return mongoengine.connect(db=db_name, alias=alias, host=uri, tz_aware=True,
                                   uuidRepresentation="standard", serverSelectionTimeoutMS=5000)
    log.warning(IN_PROCESS_WARNING, db_name)
    return mongoengine.connect(db=db_name, alias=alias, mongo_client_class=mongomock.MongoClient, tz_aware=True,
                               uuidRepresentation="standard")


def uses_real_server(alias):
    return not isinstance(mongoengine.get_connection(alias), mongomock.MongoClient)


STORE_INFO = "store_info"  # one document: when this database first held data


def mark_store(alias):
    """Record when the store first held data (kept on MongoDB across restarts;
    on the in-process store, this process's start). Returns that time."""
    info = mongoengine.get_db(alias)[STORE_INFO]
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    info.update_one({"_id": "store"}, {"$setOnInsert": {"since": now}}, upsert=True)
    return holds_data_since(alias)


def holds_data_since(alias):
    doc = mongoengine.get_db(alias)[STORE_INFO].find_one({"_id": "store"}) or {}
    since = doc.get("since")
    if since is not None and since.tzinfo is None:  # a client without tz_aware
        since = since.replace(tzinfo=dt.timezone.utc)
    return since.isoformat() if since else None


class MongoStore(DependencyProvider):
    """Connects the service's store at container setup and hands each worker
    the service's store adapter (as nameko-examples' ``StorageWrapper``).

    ``adapter`` is the service's store class (``services.<name>.store``):
    built once from the database, it holds every query, update and index of
    the service, and creates its indexes (``ensure_indexes``) at setup. With
    no adapter, workers get the pymongo/mongomock database itself.
    """

    def __init__(self, alias, db_name, adapter=None):
        self.alias = alias
        self.db_name = db_name
        self.adapter = adapter
        self.store = None

    def setup(self):
        uri = self.container.config.get("MONGODB_URI") or None
        connect_store(self.alias, self.db_name, uri)
        mark_store(self.alias)
        db = mongoengine.get_db(self.alias)
        self.store = db
        if self.adapter is not None:  # (a pymongo Database answers every attribute: ask the adapter only)
            self.store = self.adapter(db)
            if hasattr(self.store, "ensure_indexes"):
                self.store.ensure_indexes()

    def get_dependency(self, worker_ctx):
        return self.store
