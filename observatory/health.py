"""The ``ping`` every service answers, for the gateway's ``GET /health``."""
import datetime as dt

from observatory.replicated import rpc

from observatory.mongo import uses_real_server

PROCESS_STARTED_AT = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class PingMixin:
    """Mixin for a nameko service with a ``store = MongoStore(alias, ...)``.

    With the in-process store, a process holds only what was stored since it
    started: after a restart, ``store`` says from when."""

    @rpc
    def ping(self):
        in_process = not uses_real_server(self.store_alias)
        return {"service": self.name, "status": "ok", "started_at": PROCESS_STARTED_AT,
                "store": (f"in-process (not kept): holds only what was stored since {PROCESS_STARTED_AT}"
                          if in_process else "mongodb")}
