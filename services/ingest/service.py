"""The thin nameko face of the ingest service; logic lives in plain modules."""
import logging

from marshmallow import ValidationError
from nameko.rpc import rpc as _rpc

from observatory.errors import EXPECTED, InvalidInput
from observatory.events import parse_event
from observatory.health import PingMixin
from observatory.mongo import MongoStore
from observatory.outbox import OutboxDispatcher, OutboxRelay
from observatory.reliable_events import reliable_event_handler
from services.ingest import queries, uploads
from services.ingest.importer import run_import
from services.ingest.models import STORE_ALIAS, CorridorPeriod, Dataset
from services.ingest.schemas import FinishUploadSchema, ImportRequestSchema, UploadChunkSchema

log = logging.getLogger(__name__)
rpc = _rpc(expected_exceptions=EXPECTED)


def _load(schema, payload):
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise InvalidInput("invalid request", {"fields": exc.messages}) from None


class IngestService(PingMixin, OutboxRelay):
    name = "ingest"
    store_alias = STORE_ALIAS

    store = MongoStore(STORE_ALIAS, "observatory_ingest")
    outbox = OutboxDispatcher(documents=[Dataset, CorridorPeriod])

    # -- uploads ------------------------------------------------------------
    @rpc
    def put_chunk(self, payload):
        chunk = _load(UploadChunkSchema(), payload)
        return uploads.put_chunk(chunk["upload_id"], chunk["index"], chunk["data"])

    @rpc
    def finish_upload(self, payload):
        upload = _load(FinishUploadSchema(), payload)
        answer = uploads.finish_upload(**upload)
        if not answer["duplicate"]:
            self.outbox.flush(Dataset, answer["id"])  # the import request; the relay retries
        return answer

    # -- background import (a work queue: survives restarts, runs once) -----
    @reliable_event_handler("ingest", "dataset.import_requested", attempts=3)
    def import_dataset(self, payload):
        request = parse_event(payload, ImportRequestSchema())
        dataset_id = request["data"]["dataset_id"]
        status = run_import(dataset_id, lambda: uploads.open_raw(dataset_id))
        log.info("dataset %s: %s", dataset_id, status)
        self.outbox.flush_all()

    # -- reads --------------------------------------------------------------
    @rpc
    def get_dataset(self, dataset_id, errors_offset=0, errors_limit=100):
        return queries.get_dataset(dataset_id, errors_offset, errors_limit)

    @rpc
    def list_datasets(self, offset=0, limit=50, kind=None, status=None):
        return queries.list_datasets(offset, limit, kind, status)

    @rpc
    def corridor(self, source, destination, period=None):
        return queries.corridor(source, destination, period)

    @rpc
    def corridor_history(self, source, destination):
        return queries.corridor_history(source, destination)

    @rpc
    def list_corridors(self, period=None, source=None, destination=None, offset=0, limit=50):
        return queries.list_corridors(period, source, destination, offset, limit)

    @rpc
    def indicators(self, period=None):
        return queries.indicators(period)

    @rpc
    def country_profile(self, iso3):
        return queries.country_profile(iso3)
