"""The ``ping`` every service answers, for the gateway's ``GET /health``."""
import datetime as dt

from nameko.dependency_providers import Config
from nameko.rpc import rpc

from observatory.mongo import uses_real_server

PROCESS_STARTED_AT = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class PingMixin:
    """Mixin for a nameko service with a ``store = MongoStore(alias, ...)``.

    ``OBSERVATORY_RESTARTS`` (set by the launcher) says how often the process
    was restarted: with the in-process store, each restart lost the data."""

    ping_config = Config()

    @rpc
    def ping(self):
        in_process = not uses_real_server(self.store_alias)
        restarts = int(self.ping_config.get("OBSERVATORY_RESTARTS") or 0)
        answer = {"service": self.name, "status": "ok", "started_at": PROCESS_STARTED_AT, "restarts": restarts,
                  "store": "in-process (not kept)" if in_process else "mongodb"}
        if in_process and restarts:
            answer["data_lost"] = (f"restarted {restarts} time(s) on the in-process store: whatever it held before "
                                   f"{PROCESS_STARTED_AT} is gone")
        return answer
