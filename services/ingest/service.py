"""The thin nameko face of the ingest service; logic lives in plain modules."""
from observatory.health import PingMixin
from observatory.mongo import MongoStore

STORE_ALIAS = "ingest"


class IngestService(PingMixin):
    name = "ingest"
    store_alias = STORE_ALIAS

    store = MongoStore(STORE_ALIAS, "observatory_ingest")
