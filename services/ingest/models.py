"""The shape of what the ingest service stores (database ``observatory_ingest``):
one class per collection, its fields and their meaning. Production code reads
and writes these collections through ``services.ingest.store`` (raw pymongo),
which also creates their indexes; the classes name the collections, and the
two that carry an outbox (``Dataset``, ``Publication``) tell the relay where
pending events wait.

Observed quotes are staged once per dataset and corridor-period and never
changed; what is published is the set of period states the one
``Publication`` document points at, switched with one conditional update (so
readers see a dataset entirely or not at all, on MongoDB and on mongomock).
"""
from mongoengine import BinaryField, BooleanField, DateTimeField, DictField, Document, FloatField, IntField, ListField, StringField

from observatory.idempotency import OutboxDocument
from observatory.vocabulary import DATASET_STATUSES

STORE_ALIAS = "ingest"
# completed = published (or committed, for kinds without review); needs_review
# = staged, waiting for an operator; rejected = staged, never published.
STATUSES = DATASET_STATUSES


class Dataset(OutboxDocument):
    meta = {"db_alias": STORE_ALIAS, "collection": "datasets"}

    id = StringField(primary_key=True)
    sha256 = StringField(required=True)
    kind = StringField(required=True)
    filename = StringField()
    size = IntField()
    year = IntField()  # bilateral-matrix: the year when the title does not say
    status = StringField(choices=STATUSES, default="queued")
    rows_total = IntField(default=0)
    rows_accepted = IntField(default=0)
    rows_rejected = IntField(default=0)
    errors = ListField(DictField())  # the first importer.MAX_STORED_ERRORS: row, field, message
    errors_total = IntField(default=0)
    failure = StringField()
    failure_details = DictField()  # e.g. the limit a file broke
    firms = ListField(DictField())  # rpw-quotes: the firms seen, announced when published
    firms_packed = BinaryField()  # instead of ``firms`` once settled (``pruning``)
    compressed = BooleanField()  # its firms and raw chunks are compressed (``pruning``)
    periods = ListField(StringField())
    summary = DictField()
    created_at = DateTimeField()
    started_at = DateTimeField()
    finished_at = DateTimeField()
    heartbeat_at = DateTimeField()  # progress is saved: a stalled import is marked failed
    claimed_by = StringField()  # the claim token of the worker importing it (importer.claim)
    review = DictField()  # the diff against what is published, for rpw-quotes
    published_at = DateTimeField()


class RawChunk(Document):
    """The uploaded bytes, in pieces small enough for one AMQP message."""

    meta = {"db_alias": STORE_ALIAS, "collection": "raw_chunks"}

    id = StringField(primary_key=True)  # "<upload_id>:<index>"
    upload_id = StringField(required=True)
    dataset_id = StringField()
    index = IntField(required=True)
    data = BinaryField(required=True)
    encoding = StringField()  # "zlib" once its dataset is settled (``pruning``); None: as uploaded
    created_at = DateTimeField()


class StagedCorridorPeriod(Document):
    """One dataset's quotes and figures for one corridor-period. Written once
    when the dataset is staged and never changed (only moved to and from its
    dataset's ``StagedArchive``): what is published points at these, so any
    earlier dataset can be published again exactly."""

    meta = {"db_alias": STORE_ALIAS, "collection": "staged_corridor_periods"}

    id = StringField(primary_key=True)  # "<dataset_id>/2014Q1:ARE:EGY"
    dataset_id = StringField(required=True)
    period = StringField(required=True)
    source = StringField(required=True)
    destination = StringField(required=True)
    quote_fields = ListField(StringField())  # the column names of each row in ``quotes``
    quotes = ListField(ListField())  # as stored before ``packed``
    packed = BinaryField()  # the rows of ``quotes``, compressed JSON (``pruning``)
    figures = DictField()  # as stored before: now computed from the rows when read (``pruning``)


class StagedArchive(Document):
    """The staged corridor-periods of one published or rejected dataset that
    are not in force, in one compressed blob ({key: rows}); see ``pruning``."""

    meta = {"db_alias": STORE_ALIAS, "collection": "staged_archives"}

    id = StringField(primary_key=True)  # the dataset id
    keys = ListField(StringField())  # "2014Q1:ARE:EGY"
    quote_fields = ListField(StringField())
    packed = BinaryField()
    version = IntField(default=1)


class PeriodState(Document):
    """The published state of one period: which dataset each corridor's
    figures come from, their summaries, and the period's indicators.
    Immutable: publishing writes new states, then flips ``Publication``."""

    meta = {"db_alias": STORE_ALIAS, "collection": "period_states"}

    id = StringField(primary_key=True)  # "2014Q1@<token>"
    period = StringField(required=True)
    # "SRC:DST" -> {dataset_id, sums, counts, averages}: all the period figures need
    corridors = DictField()
    figures = DictField()
    created_at = DateTimeField()


class Publication(OutboxDocument):
    """What is published, in one document (``_id`` "observed"): the period
    states in force. Publishing a dataset is one conditional update of this
    document (its version), carrying the dataset's events in its outbox; so
    readers see a dataset entirely or not at all, on MongoDB and mongomock."""

    meta = {"db_alias": STORE_ALIAS, "collection": "publication"}

    id = StringField(primary_key=True)
    version = IntField(default=0)
    periods = DictField()  # period -> PeriodState id
    log = ListField(DictField())  # the latest publications: dataset, action, when, version
    updated_at = DateTimeField()


class SeriesPeriod(Document):
    """One period of a corridor series published elsewhere: ``official`` (the
    World Bank's DataBank averages) or ``derived`` (third-party means of RPW
    quotes). Never blended with the observed figures; a revised file replaces
    its corridors with one write per period."""

    meta = {"db_alias": STORE_ALIAS, "collection": "series_periods"}

    id = StringField(primary_key=True)  # "official:2014Q1"
    series = StringField(required=True)
    period = StringField(required=True)
    corridors = DictField()  # "SRC:DST" -> {"average_total_cost_pct", ..., "dataset_id"}


class BilateralFlows(Document):
    """One sending country's row of one bilateral matrix (USD millions, model estimates)."""

    meta = {"db_alias": STORE_ALIAS, "collection": "bilateral_flows"}

    id = StringField(primary_key=True)  # "2017:USA"
    year = IntField(required=True)
    source = StringField(required=True)
    flows = DictField()  # destination ISO3 -> USD millions
    destinations = ListField(StringField())
    published_total = FloatField()  # the file's own row total, where it has one
    vintage = StringField()
    dataset_id = StringField()


class CountryFlows(Document):
    """Annual series per economy: {indicator: {"unit": ..., "source": ..., "values": {year: value}}}."""

    meta = {"db_alias": STORE_ALIAS, "collection": "country_flows"}

    id = StringField(primary_key=True)  # ISO3
    series = DictField()
    dataset_ids = ListField(StringField())


class HeldRecords(Document):
    """The accepted records of a dataset held for review whose kind is not
    staged (official and derived series, matrices, country flows), in
    batches: nothing of it is written to the published collections until an
    operator publishes it."""

    meta = {"db_alias": STORE_ALIAS, "collection": "held_records"}

    id = StringField(primary_key=True)  # "<dataset_id>/<batch number>"
    dataset_id = StringField(required=True)
    batch = IntField(required=True)
    rows = ListField(IntField())
    records = ListField(DictField())
