"""The thin nameko face of the catalog service; logic lives in plain modules."""
from observatory.health import PingMixin
from observatory.mongo import MongoStore

STORE_ALIAS = "catalog"


class CatalogService(PingMixin):
    name = "catalog"
    store_alias = STORE_ALIAS

    store = MongoStore(STORE_ALIAS, "observatory_catalog")
