"""Adapters of the catalog service, configured at container setup."""
import logging

from nameko.extensions import DependencyProvider

from services.catalog import practices

log = logging.getLogger(__name__)


class PracticeLibrary(DependencyProvider):
    """Puts the shipped starting library in the store when the service starts
    (each entry once: an id already there is left as it is, edits included).
    ``SEED_PRACTICES: false`` in the config starts with an empty library."""

    def start(self):
        if self.container.config.get("SEED_PRACTICES", True) in (False, "0", "false", "no"):
            return
        answer = practices.seed()
        if answer["created"]:
            log.info("practice library: %d starting entries added", len(answer["created"]))

    def get_dependency(self, worker_ctx):
        return practices
