"""An empty in-process catalog store, opened as the service opens it
(``MongoStore``: connection, adapter, indexes), for the tests of the store."""
import uuid

import mongoengine

from observatory.mongo import connect_store
from services.catalog.store import STORE_ALIAS, CatalogStore


def empty_catalog_store(prefix="catalog"):
    mongoengine.disconnect(STORE_ALIAS)
    connect_store(STORE_ALIAS, f"{prefix}_{uuid.uuid4().hex[:8]}")
    store = CatalogStore(mongoengine.get_db(STORE_ALIAS))
    store.ensure_indexes()
    return store
