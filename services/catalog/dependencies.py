"""Adapters of the catalog service, configured at container setup."""
import logging

from nameko.extensions import DependencyProvider

from observatory import deadletters
from observatory.mongo import MongoStore
from services.catalog import practices

log = logging.getLogger(__name__)


class StartingPracticeLibrary(DependencyProvider):
    """Puts the shipped starting library in the service's store when the
    service starts (each entry once: an id already there is left as it is,
    edits included). ``SEED_PRACTICES: false`` in the config starts with an
    empty library. Workers get nothing from it."""

    def start(self):  # every extension's setup has run: the store is connected
        if self.container.config.get("SEED_PRACTICES", True) in (False, "0", "false", "no"):
            return
        store = next(d.store for d in self.container.dependencies if isinstance(d, MongoStore))
        answer = practices.seed(store)
        if answer["created"]:
            log.info("practice library: %d starting entries added", len(answer["created"]))

    def get_dependency(self, worker_ctx):
        return None


class ParkedFirms(DependencyProvider):
    """Parks the firms of a ``firms.observed`` event that cannot become entries
    among the dead letters (their handler's queue and the reasons named), so
    an operator sees them and can replay them once the cause is fixed."""

    def setup(self):
        self.amqp_uri = self.container.config["AMQP_URI"]

    def get_dependency(self, worker_ctx):
        def park(envelope, rejected):  # called from the firms.observed handler only: its entrypoint has a queue
            queue = worker_ctx.entrypoint.queue.name
            reason = "; ".join(f"{r['firm'].get('name')!r}: {r['reason']}" for r in rejected)
            log.error("firms.observed %s: %d firm(s) parked: %s", envelope["event_id"], len(rejected), reason)
            part = {**envelope, "data": {**envelope["data"], "firms": [r["firm"] for r in rejected]}}
            deadletters.park(self.amqp_uri, part, queue, reason[:4000])  # a header, kept small
        return park
