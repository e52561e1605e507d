"""What the ingest service stores (database ``observatory_ingest``).

Observed quotes live inside their corridor-period document, next to the
figures computed from them: replacing a corridor-period's quotes and figures
(and queueing its event) is then one single-document write, the same on
MongoDB and on mongomock.
"""
from mongoengine import BinaryField, DateTimeField, DictField, Document, FloatField, IntField, ListField, StringField

from observatory.idempotency import ReliableDocument

STORE_ALIAS = "ingest"
STATUSES = ("queued", "processing", "completed", "failed")
MAX_STORED_ERRORS = 1000


class Dataset(ReliableDocument):
    meta = {"db_alias": STORE_ALIAS, "collection": "datasets",
            "indexes": [{"fields": ["sha256"], "unique": True}]}

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
    errors = ListField(DictField())  # the first MAX_STORED_ERRORS: row, field, message
    errors_total = IntField(default=0)
    failure = StringField()
    periods = ListField(StringField())
    summary = DictField()
    created_at = DateTimeField()
    started_at = DateTimeField()
    finished_at = DateTimeField()


class RawChunk(Document):
    """The uploaded bytes, in pieces small enough for one AMQP message."""

    meta = {"db_alias": STORE_ALIAS, "collection": "raw_chunks",
            "indexes": ["upload_id", "dataset_id"]}

    id = StringField(primary_key=True)  # "<upload_id>:<index>"
    upload_id = StringField(required=True)
    dataset_id = StringField()
    index = IntField(required=True)
    data = BinaryField(required=True)
    created_at = DateTimeField()


class CorridorPeriod(ReliableDocument):
    meta = {"db_alias": STORE_ALIAS, "collection": "corridor_periods",
            "indexes": ["period", ("source", "destination")]}

    id = StringField(primary_key=True)  # "2014Q1:ARE:EGY"
    period = StringField(required=True)
    source = StringField(required=True)
    destination = StringField(required=True)
    dataset_id = StringField()  # the dataset whose quotes these are
    superseded_datasets = ListField(StringField())
    quote_fields = ListField(StringField())  # the column names of each row in ``quotes``
    quotes = ListField(ListField())
    figures = DictField()
    average_total_cost_pct = FloatField()
    updated_at = DateTimeField()


class PeriodIndicators(Document):
    meta = {"db_alias": STORE_ALIAS, "collection": "period_indicators"}

    id = StringField(primary_key=True)  # "2014Q1"
    figures = DictField()
    # "SRC:DST" -> sums, counts and averages of that corridor-period: what the
    # period figures and the next import's change detection need, in one doc
    corridors = DictField()
    updated_at = DateTimeField()


class OfficialAverage(Document):
    """The World Bank's own corridor averages (reference series)."""

    meta = {"db_alias": STORE_ALIAS, "collection": "official_averages", "indexes": [("source", "destination")]}

    id = StringField(primary_key=True)  # "2014Q1:ARE:EGY"
    period = StringField(required=True)
    source = StringField(required=True)
    destination = StringField(required=True)
    average_total_cost_pct = FloatField(required=True)
    dataset_id = StringField()


class BilateralFlows(Document):
    """One sending country's row of one bilateral matrix (USD millions, model estimates)."""

    meta = {"db_alias": STORE_ALIAS, "collection": "bilateral_flows", "indexes": ["year", "destinations"]}

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
