"""The thin nameko face of the notify service; logic lives in plain modules."""
from observatory.health import PingMixin
from observatory.mongo import MongoStore

STORE_ALIAS = "notify"


class NotifyService(PingMixin):
    name = "notify"
    store_alias = STORE_ALIAS

    store = MongoStore(STORE_ALIAS, "observatory_notify")
