"""The ``ping`` every service answers, for the gateway's ``GET /health``."""
from nameko.rpc import rpc

from observatory.mongo import uses_real_server


class PingMixin:
    """Mixin for a nameko service with a ``store = MongoStore(alias, ...)``."""

    @rpc
    def ping(self):
        return {
            "service": self.name,
            "status": "ok",
            "store": "mongodb" if uses_real_server(self.store_alias) else "in-process (not kept)",
        }
