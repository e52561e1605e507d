"""Adapters handed to the ingest service's workers, configured at container
setup from the nameko config (not from the environment at import)."""
import dataclasses
import socket
import uuid

from nameko.extensions import DependencyProvider

from services.ingest.importer import LEASE_SECONDS
from services.ingest.indicators import DEFAULT_WEIGHT_LAG_YEARS
from services.ingest.limits import ParseLimits
from services.ingest.plausibility import Rules

DEFAULT_STALLED_SECONDS = 900  # an import with no progress for this long is failed
DEFAULT_ABANDONED_UPLOAD_SECONDS = 3600  # chunks of an upload that never finished


@dataclasses.dataclass(frozen=True)
class ImportSettings:
    limits: ParseLimits
    stalled_seconds: float
    abandoned_upload_seconds: float
    weight_lag_years: int = DEFAULT_WEIGHT_LAG_YEARS
    lease_seconds: float = LEASE_SECONDS
    worker: str = "ingest"  # this instance, in the claims it takes
    plausibility: Rules = dataclasses.field(default_factory=Rules)


class ImportConfig(DependencyProvider):
    """``IMPORT_LIMITS`` (a mapping, see ``ParseLimits``), ``IMPORT_STALLED_SECONDS``,
    ``IMPORT_LEASE_SECONDS``, ``ABANDONED_UPLOAD_SECONDS``, ``WEIGHT_MATRIX_LAG_YEARS`` and ``PLAUSIBILITY`` (a mapping, see
    ``plausibility.Rules``) from the service config."""

    def setup(self):
        config = self.container.config
        self.settings = ImportSettings(
            limits=ParseLimits.from_config(config.get("IMPORT_LIMITS") or {}),
            stalled_seconds=float(config.get("IMPORT_STALLED_SECONDS") or DEFAULT_STALLED_SECONDS),
            abandoned_upload_seconds=float(config.get("ABANDONED_UPLOAD_SECONDS") or DEFAULT_ABANDONED_UPLOAD_SECONDS),
            weight_lag_years=int(config.get("WEIGHT_MATRIX_LAG_YEARS", DEFAULT_WEIGHT_LAG_YEARS)),
            lease_seconds=float(config.get("IMPORT_LEASE_SECONDS") or LEASE_SECONDS),
            worker=f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}",
            plausibility=Rules.from_config(config.get("PLAUSIBILITY")))

    def get_dependency(self, worker_ctx):
        return self.settings
