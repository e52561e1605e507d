"""The ``ping`` every service answers, for the gateway's ``GET /health``."""
import datetime as dt

from observatory.replicated import rpc

from observatory.mongo import holds_data_since, uses_real_server

PROCESS_STARTED_AT = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def store_health(alias):
    """What ``/health`` says of a service's store: durable (MongoDB) or
    in-process (mongomock: lost with the process), and since when it holds data."""
    durable = uses_real_server(alias)
    return {"started_at": PROCESS_STARTED_AT, "durable": durable, "data_since": holds_data_since(alias),
            "store": ("mongodb" if durable else
                      f"in-process (not kept): holds only what was stored since {PROCESS_STARTED_AT}")}


class PingMixin:
    """Mixin for a nameko service with a ``store = MongoStore(alias, ...)``.

    With the in-process store, a process holds only what was stored since it
    started: after a restart, ``store`` and ``data_since`` say from when."""

    @rpc
    def ping(self):
        return {"service": self.name, "status": "ok", **store_health(self.store_alias)}
