"""The shape of what ingest keeps of national submissions (database
``observatory_ingest``): reporting institutions, submissions (staged,
embargoed or published, with their audit log and outbox) and the published
national observations (their earlier values: the vintages). Read and written through
``store_national``; the classes name the collections and let the outbox
relay find ``NationalSubmission``'s pending events."""
from mongoengine import BinaryField, DateTimeField, DictField, Document, FloatField, IntField, ListField, StringField

from observatory.idempotency import OutboxDocument
from services.ingest.models import STORE_ALIAS


class Reporter(Document):
    """A reporting institution (central bank, statistics office) of one country."""

    meta = {"db_alias": STORE_ALIAS, "collection": "reporters"}

    id = StringField(primary_key=True)
    name = StringField(required=True)
    country = StringField(required=True)
    kind = StringField(required=True)
    created_at = DateTimeField()
    created_by = StringField()


class NationalSubmission(OutboxDocument):
    """One file a reporter sent: ``status`` processing (queued for validation, its bytes in ``raw``), failed
    (with ``errors``), validated (its observations staged, packed), embargoed (until ``embargo_until``) or
    published; ``log`` is who did what when."""

    meta = {"db_alias": STORE_ALIAS, "collection": "national_submissions"}

    id = StringField(primary_key=True)  # "<reporter>-<sha256 prefix>": the same file twice is one submission
    kind = StringField(default="national")
    reporter_id = StringField(required=True)
    country = StringField(required=True)
    format = StringField(required=True)
    sha256 = StringField(required=True)
    size = IntField()
    status = StringField(required=True)
    errors = ListField(DictField())
    errors_total = IntField(default=0)
    failure = StringField()
    raw = BinaryField()  # the file's bytes while it is processing (dropped once validated or failed)
    staged = BinaryField()  # the validated observations, packed
    observations = IntField(default=0)
    periods = ListField(StringField())
    embargo_until = DateTimeField()
    created_at = DateTimeField()
    published_at = DateTimeField()
    log = ListField(DictField())  # {"at", "by", "action", ...}: submitted, embargoed, published, revised


class NationalObservation(Document):
    """One published national observation as it is now; its earlier values are its versions in the vintages
    (``store_vintages``: flow NATIONAL_REMITTANCES), one per publication that changed it."""

    meta = {"db_alias": STORE_ALIAS, "collection": "national_observations"}

    id = StringField(primary_key=True)  # "<key>@<time period>"
    country = StringField(required=True)
    key = StringField(required=True)
    dims = DictField()
    time_period = StringField(required=True)
    value = FloatField()
    attrs = DictField()
    submission_id = StringField()
    reporter_id = StringField()
    published_at = DateTimeField()
    deleted = StringField()  # the submission that deleted it (ACTION D); readers skip it
