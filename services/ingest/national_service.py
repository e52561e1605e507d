"""ingest's RPCs and timer for national submissions, mixed into
``IngestService`` (the worker's ``store`` and ``outbox`` are the service's).
Each validates its input with the contracts of ``observatory.contracts.national``
and calls the plain functions of ``national`` / ``national_reads``."""
import base64
import binascii
import logging

from nameko.timer import timer

from observatory.contracts.common import PageQuerySchema
from observatory.contracts.national import (
    NationalObservationsQuerySchema,
    PublishRequestSchema,
    ReporterCreateSchema,
    SubmissionListQuerySchema,
    SubmitRequestSchema,
)
from observatory.errors import InvalidInput, validated
from observatory.events import parse_event
from observatory.reliable_events import reliable_command_handler
from observatory.replicated import rpc
from services.ingest import national, national_reads
from services.ingest.messages import NATIONAL_VALIDATE_COMMAND
from services.ingest.national_models import NationalSubmission
from services.ingest.parsers.sdmx_xlsx import MEDIA_TYPE as TEMPLATE_MEDIA_TYPE, template_bytes
from services.ingest.store import IngestStore

log = logging.getLogger(__name__)
EMBARGO_CHECK_SECONDS = 1.0
VALIDATE_ATTEMPTS = 3


def validation_gave_up(payload, exc):
    """The validation job failed every attempt: the submission must say so. (Called with no worker, so with
    the store of the service's connection.)"""
    submission_id = ((payload or {}).get("data") or {}).get("submission_id") if isinstance(payload, dict) else None
    if isinstance(submission_id, str):
        national.give_up_processing(IngestStore.connected(), submission_id,
                                    f"the submission could not be validated ({type(exc).__name__}); the job is in "
                                    "the dead-letter queue for an operator")


def _scope(reporter_id):
    return None if reporter_id in (None, "") else str(reporter_id)


class NationalSubmissions:
    @rpc
    def register_reporter(self, payload, by="operator"):
        return national.register_reporter(self.store, validated(ReporterCreateSchema(), payload), str(by))

    @rpc
    def get_reporter(self, reporter_id):
        return national.get_reporter(self.store, str(reporter_id))

    @rpc
    def list_reporters(self, params=None):
        return national.list_reporters(self.store, **validated(PageQuerySchema(), params or {}))

    @rpc
    def submit_national(self, payload):
        request = validated(SubmitRequestSchema(), payload)
        try:
            data = base64.b64decode(request["data"], validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput("data is not base64", {}) from None
        answer = national.submit(self.store, request["reporter_id"], request["format"], data, request["by"])
        if not answer["duplicate"]:
            self.outbox.flush(NationalSubmission, answer["id"])  # the validation job; the relay retries
        return answer

    @reliable_command_handler("ingest", NATIONAL_VALIDATE_COMMAND, attempts=VALIDATE_ATTEMPTS,
                              on_give_up=validation_gave_up)
    def validate_submission(self, payload):
        """The ``national.validate`` job: parse and validate a received submission (any ingest instance)."""
        submission_id = parse_event(payload)["data"]["submission_id"]
        log.info("national submission %s: %s", submission_id, national.process(self.store, submission_id))

    @rpc
    def get_submission(self, submission_id, reporter_id=None):
        return national.get_submission(self.store, str(submission_id), _scope(reporter_id))

    @rpc
    def list_submissions(self, params=None, reporter_id=None):
        query = validated(SubmissionListQuerySchema(), params or {})
        return national.list_submissions(self.store, _scope(reporter_id), **query)

    @rpc
    def publish_submission(self, submission_id, by, reporter_id=None, payload=None):
        wanted = validated(PublishRequestSchema(), payload or {})
        answer = national.publish(self.store, str(submission_id), str(by), _scope(reporter_id),
                                  wanted.get("embargo_until"))
        self.outbox.flush(NationalSubmission, answer["id"])
        return answer

    @rpc
    def national_observations(self, params=None):
        return national_reads.observations_page(self.store, **validated(NationalObservationsQuerySchema(), params or {}))

    @rpc
    def country_national(self, iso3):
        return national_reads.country_national(self.store, str(iso3).upper())

    @rpc
    def national_history(self, iso3):
        return {"country": str(iso3).upper(), "items": national_reads.observation_history(self.store, str(iso3).upper())}

    @rpc
    def submission_template(self):
        """The xlsx template, generated from the NATIONAL_REMITTANCES structure (base64)."""
        return {"data": base64.b64encode(template_bytes()).decode("ascii"), "media_type": TEMPLATE_MEDIA_TYPE}

    @rpc
    def national_releases(self):
        """Upcoming embargoed releases: dates only, never a figure."""
        return national.upcoming_releases(self.store)

    @timer(interval=EMBARGO_CHECK_SECONDS)
    def publish_due_embargoes(self):
        for submission_id in national.publish_due(self.store):
            log.info("national submission %s: embargo over, published", submission_id)
            self.outbox.flush(NationalSubmission, submission_id)


