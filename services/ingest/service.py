"""The thin nameko face of the ingest service; logic lives in plain modules."""
import logging

import eventlet
from eventlet.semaphore import Semaphore

from nameko.timer import timer

from observatory.errors import validated
from observatory.events import parse_event
from observatory.health import PingMixin
from observatory.mongo import MongoStore
from observatory.replicated import rpc
from observatory.outbox import OutboxDispatcher, OutboxRelay
from observatory.processes import release_freed_memory
from observatory.reliable_events import reliable_command_handler
from services.ingest import analysis_queries, operator_review, pruning, queries, queries_sdmx, uploads
from services.ingest import quality_queries, vintage_queries
from services.ingest.dependencies import ImportConfig
from services.ingest.importer import fail, fail_stalled, run_import
from services.ingest.messages import IMPORT_COMMAND, NATIONAL_VALIDATE_COMMAND
from services.ingest.store import DATASET_OUTBOX, DB_NAME, PUBLICATION_OUTBOX, STORE_ALIAS, IngestStore
from services.ingest.schemas import FinishUploadSchema, UploadChunkSchema
from services.ingest import national_service

log = logging.getLogger(__name__)
IMPORT_ATTEMPTS = 3
HOUSEKEEPING_SECONDS = 30
PRUNING = Semaphore()


def import_gave_up(payload, exc):
    """The import job failed every attempt: the dataset must say so. (Called with no worker, so with the
    store of the service's connection.)"""
    dataset_id = ((payload or {}).get("data") or {}).get("dataset_id") if isinstance(payload, dict) else None
    if isinstance(dataset_id, str):
        fail(IngestStore.connected(), dataset_id, f"the import failed {IMPORT_ATTEMPTS} times ({type(exc).__name__}: {str(exc)[:200]}); "
                         "the job is in the dead-letter queue for an operator")


class IngestService(PingMixin, OutboxRelay, national_service.NationalSubmissions):
    name = "ingest"
    store_alias = STORE_ALIAS

    store = MongoStore(STORE_ALIAS, DB_NAME, adapter=IngestStore)
    outbox = OutboxDispatcher(STORE_ALIAS, commands={IMPORT_COMMAND: IMPORT_ATTEMPTS,
                                                     NATIONAL_VALIDATE_COMMAND: national_service.VALIDATE_ATTEMPTS})
    settings = ImportConfig()

    # -- uploads ------------------------------------------------------------
    @rpc
    def put_chunk(self, payload):
        chunk = validated(UploadChunkSchema(), payload)
        return uploads.put_chunk(self.store, chunk["upload_id"], chunk["index"], chunk["data"])

    @rpc
    def finish_upload(self, payload):
        upload = validated(FinishUploadSchema(), payload)
        answer = uploads.finish_upload(self.store, **upload)
        if not answer["duplicate"]:
            self.outbox.flush(DATASET_OUTBOX, answer["id"])  # the import job; the relay retries
        return answer

    @rpc
    def abort_upload(self, upload_id):
        return uploads.abort_upload(self.store, str(upload_id))

    # -- background import: a command on ingest's own work queue ------------
    @reliable_command_handler("ingest", IMPORT_COMMAND, attempts=IMPORT_ATTEMPTS, on_give_up=import_gave_up)
    def import_dataset(self, payload):
        request = parse_event(payload)  # the dataset.import contract
        dataset_id = request["data"]["dataset_id"]
        status = run_import(self.store, dataset_id, lambda target: uploads.copy_raw(self.store, dataset_id, target),
                            self.settings.limits,
                            weight_lag_years=self.settings.weight_lag_years, worker=self.settings.worker,
                            lease_seconds=self.settings.lease_seconds, pause=eventlet.sleep,
                            rules=self.settings.plausibility)
        log.info("dataset %s: %s", dataset_id, status)
        self.outbox.flush_all()
        self._prune()
        release_freed_memory()

    @timer(interval=HOUSEKEEPING_SECONDS)
    def housekeeping(self):
        for dataset_id in fail_stalled(self.store, self.settings.stalled_seconds):
            log.warning("dataset %s made no progress for %g s: marked failed", dataset_id,
                        self.settings.stalled_seconds)
        purged = uploads.purge_abandoned_chunks(self.store, self.settings.abandoned_upload_seconds)
        if purged:
            log.info("deleted %d chunk(s) of abandoned uploads", purged)
        self._prune()  # after an operator's publish or reject too (kept off their RPC's deadline)

    def _prune(self):
        with PRUNING:  # the timer and an import's handler: one at a time in a process
            counts = pruning.prune(self.store, pause=eventlet.sleep)
        if any(counts.values()):
            log.info("staged quotes: %(archived)d corridor-period(s) archived, %(restored)d restored (in force "
                     "again), %(chunks_compressed)d raw chunk(s) compressed, %(deleted)d of failed datasets deleted, "
                     "%(states_deleted)d unreferenced period state(s) deleted", counts)

    # -- review -------------------------------------------------------------
    @rpc
    def raw_part(self, dataset_id, index=0, published_only=True):
        return uploads.raw_part(self.store, str(dataset_id), int(index), bool(published_only))

    @rpc
    def publish_dataset(self, dataset_id, requested_by="operator"):
        answer = operator_review.publish_dataset(self.store, str(dataset_id), str(requested_by),
                                                 self.settings.weight_lag_years)
        self.outbox.flush(PUBLICATION_OUTBOX, "observed")
        self.outbox.flush(DATASET_OUTBOX, answer["id"])  # a held series, matrix or flows dataset announces itself
        return answer

    @rpc
    def reject_dataset(self, dataset_id, requested_by="operator"):
        return operator_review.reject_dataset(self.store, str(dataset_id), str(requested_by))

    # -- reads --------------------------------------------------------------
    @rpc
    def get_dataset(self, dataset_id, errors_offset=0, errors_limit=100):
        return queries.get_dataset(self.store, dataset_id, errors_offset, errors_limit)

    @rpc
    def list_datasets(self, cursor=None, limit=50, kind=None, status=None):
        return queries.list_datasets(self.store, cursor, limit, kind, status)

    @rpc
    def observed_firm_datasets(self):
        return queries.observed_firm_datasets(self.store)

    @rpc
    def observed_firms(self, dataset_id):
        return queries.observed_firms(self.store, str(dataset_id))

    @rpc
    def corridor(self, source, destination, period=None, as_of=None):
        return queries.corridor(self.store, source, destination, period, as_of=as_of)

    @rpc
    def corridor_history(self, source, destination, as_of=None):
        return queries.corridor_history(self.store, source, destination, as_of=as_of)

    @rpc
    def list_corridors(self, period=None, source=None, destination=None, cursor=None, limit=50, as_of=None):
        return queries.list_corridors(self.store, period, source, destination, cursor, limit, as_of=as_of)

    @rpc
    def indicators(self, period=None, as_of=None):
        return queries.indicators(self.store, period, as_of=as_of)

    @rpc
    def country_summaries(self, iso3s, as_of=None):
        return queries.country_summaries(self.store, [str(i) for i in iso3s][:500], as_of=as_of)

    @rpc
    def country_profile(self, iso3, as_of=None):
        return queries.country_profile(self.store, iso3, as_of=as_of)

    # -- vintages: every publication a release, every figure's versions ------
    @rpc
    def vintages(self, cursor=None, limit=100):
        return vintage_queries.list_vintages(self.store, cursor, limit)

    @rpc
    def vintage_at(self, as_of=None):
        return vintage_queries.vintage_at(self.store, as_of)

    @rpc
    def figure_changes(self, flow_id, updated_after=None, include_history=False, as_of=None, cursor=None,
                       limit=500, dimensions=None):
        return vintage_queries.figure_changes(self.store, str(flow_id), updated_after, include_history, as_of,
                                              cursor, limit, dimensions)

    @rpc
    def analysis_corridor_figures(self, iso3s=None, as_of=None):
        """Every corridor figure of every series touching ``iso3s`` (issue 20's analysis), now or at ``as_of``."""
        return analysis_queries.corridor_figures(self.store, [str(i) for i in (iso3s or [])][:500], as_of=as_of)

    @rpc
    def corridor_quote_counts(self, period=None, as_of=None):
        """The quote counts behind each observed corridor average of a quarter (the exports' quality flags)."""
        return quality_queries.corridor_quote_counts(self.store, period, as_of=as_of)

    @rpc
    def analysis_inputs(self, as_of=None, since=None):
        """Everything issue 20's analysis computes from, of one vintage (``since``: only what changed)."""
        return analysis_queries.analysis_inputs(self.store, as_of, str(since) if since else None)

    @rpc
    def analysis_corridor_quotes(self, corridors, as_of=None):
        """The observed quotes of many corridor-periods (``[period, source, destination]``) at once."""
        return analysis_queries.corridor_quotes(self.store, [[str(v) for v in c][:3] for c in corridors][:2000],
                                                as_of)

    # -- the SDMX web service's sources (whole series, paged) ---------------------------------
    @rpc
    def corridor_cost_page(self, cursor=None, limit=200, source=None, destination=None, as_of=None, first=None,
                           last=None):
        return queries_sdmx.corridor_cost_page(self.store, cursor, limit, source, destination, as_of, first, last)

    @rpc
    def published_quotes_page(self, cursor=None, limit=10, source=None, destination=None, as_of=None):
        return queries_sdmx.published_quotes_page(self.store, cursor, limit, source, destination, as_of)

    @rpc
    def flows_page(self, cursor=None, limit=50, iso3=None, as_of=None):
        return queries_sdmx.flows_page(self.store, cursor, limit, iso3, as_of)
