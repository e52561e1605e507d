"""National submissions (issue 19): the requests ingest's RPCs take and the
answers they give, shared by ingest and the gateway's route tables."""
from marshmallow import Schema, fields, validate

from observatory.contracts.common import PageQuerySchema
from observatory.vocabulary import (
    ISO3_PATTERN,
    REPORTER_KINDS,
    SUBMISSION_FORMATS,
    SUBMISSION_ID_PATTERN,
    SUBMISSION_STATUSES,
    pattern,
)

REPORTER_ID = pattern(r"^[a-z0-9][a-z0-9_.-]{0,63}$", error="1-64 lower-case letters, digits, '_', '.' or '-'")
SUBMISSION_ID = pattern(SUBMISSION_ID_PATTERN, error="a submission id (16 hex digits)")


class ReporterCreateSchema(Schema):
    id = fields.String(required=True, validate=REPORTER_ID)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    country = fields.String(required=True, validate=pattern(ISO3_PATTERN, error="an ISO 3166 alpha-3 code"))
    kind = fields.String(required=True, validate=validate.OneOf(REPORTER_KINDS))


class ReporterSchema(Schema):
    id = fields.String()
    name = fields.String()
    country = fields.String()
    kind = fields.String()
    created_at = fields.String(allow_none=True)


class ReporterListSchema(Schema):
    items = fields.List(fields.Nested(ReporterSchema))
    next_cursor = fields.String(allow_none=True)


class SubmitRequestSchema(Schema):
    """ingest's ``submit_national``: the file (base64, one message) and who sends it."""

    reporter_id = fields.String(required=True, validate=REPORTER_ID)
    format = fields.String(required=True, validate=validate.OneOf(SUBMISSION_FORMATS))
    data = fields.String(required=True, validate=validate.Length(min=1, max=6 * 1024 * 1024))
    by = fields.String(required=True, validate=validate.Length(max=200))


class SubmissionErrorSchema(Schema):
    row = fields.Integer(metadata={"description": "line, spreadsheet row or Obs element number (1 = header)"})
    column = fields.String(allow_none=True, metadata={"description": "the component (FREQ, TIME_PERIOD, ...)"})
    message = fields.String()


class SubmissionLogSchema(Schema):
    at = fields.String()
    by = fields.String()
    action = fields.String()
    observations = fields.Integer()
    revised = fields.Integer()
    deleted = fields.Integer()
    until = fields.String()
    errors = fields.Integer()
    revised_keys = fields.List(fields.String(), metadata={"description": "what it revised: <key>@<period>, first 100"})
    deleted_keys = fields.List(fields.String(), metadata={"description": "what it deleted (ACTION D), first 100"})


class SubmissionSchema(Schema):
    id = fields.String()
    kind = fields.String()
    reporter_id = fields.String()
    reporter_name = fields.String(allow_none=True)
    country = fields.String()
    format = fields.String()
    sha256 = fields.String()
    size = fields.Integer(allow_none=True)
    status = fields.String(metadata={"enum": list(SUBMISSION_STATUSES)})
    errors = fields.List(fields.Nested(SubmissionErrorSchema))
    errors_total = fields.Integer()
    failure = fields.String(allow_none=True)
    observations = fields.Integer()
    periods = fields.List(fields.String())
    embargo_until = fields.String(allow_none=True)
    created_at = fields.String(allow_none=True)
    published_at = fields.String(allow_none=True)
    log = fields.List(fields.Nested(SubmissionLogSchema))


class SubmissionListSchema(Schema):
    items = fields.List(fields.Nested(SubmissionSchema))
    next_cursor = fields.String(allow_none=True)


class SubmitAnswerSchema(Schema):
    id = fields.String()
    status = fields.String(metadata={"enum": list(SUBMISSION_STATUSES)})
    duplicate = fields.Boolean()


class SubmissionListQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(SUBMISSION_STATUSES))


class PublishRequestSchema(Schema):
    embargo_until = fields.AwareDateTime(metadata={"description": "publish at this time (UTC offset required)",
                                                   "maxLength": 40})


class NationalObservationsQuerySchema(PageQuerySchema):
    """ingest's ``national_observations``: filters by dimension (each a list of codes, empty: any)."""

    country = fields.List(fields.String(validate=pattern(ISO3_PATTERN)), load_default=list)
    counterpart = fields.List(fields.String(validate=validate.Length(max=10)), load_default=list)
    freq = fields.List(fields.String(validate=validate.OneOf(("A", "Q", "M"))), load_default=list)
    channel = fields.List(fields.String(validate=validate.Length(max=40)), load_default=list)
    measure = fields.List(fields.String(validate=validate.Length(max=20)), load_default=list)
    limit = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=5000))




class UpcomingReleaseSchema(Schema):
    submission_id = fields.String()
    country = fields.String()
    reporter_id = fields.String()
    reporter_name = fields.String(allow_none=True)
    release_at = fields.String()
    periods = fields.List(fields.String())


class UpcomingReleasesSchema(Schema):
    items = fields.List(fields.Nested(UpcomingReleaseSchema))


class MirrorRowSchema(Schema):
    measure = fields.String()
    year = fields.Integer()
    national_usd_millions = fields.Float(allow_none=True)
    knomad_usd_millions = fields.Float(allow_none=True)
    knomad_gap_pct = fields.Float(allow_none=True)
    wdi_usd_millions = fields.Float(allow_none=True)
    wdi_gap_pct = fields.Float(allow_none=True)
    matrix_usd_millions = fields.Float(allow_none=True, metadata={"description": "sum over senders in the matrix"})
    matrix_gap_pct = fields.Float(allow_none=True)


class NationalPointSchema(Schema):
    key = fields.String()
    FREQ = fields.String()
    REF_AREA = fields.String()
    COUNTERPART_AREA = fields.String()
    CHANNEL = fields.String()
    MEASURE = fields.String()
    time_period = fields.String()
    value = fields.Float(allow_none=True)
    unit_measure = fields.String(allow_none=True)
    unit_mult = fields.String(allow_none=True)
    obs_status = fields.String(allow_none=True)
    published_at = fields.String(allow_none=True)
    revisions = fields.Integer()


class NationalReporterRefSchema(Schema):
    id = fields.String()
    name = fields.String()
    kind = fields.String()


class NationalBlockSchema(Schema):
    """A country's ``national`` series (its reporting institution's, never mixed with the World Bank's) and
    the mirror check beside it."""

    country = fields.String()
    source = fields.String()
    label = fields.String(metadata={"description": "submitted by <institution>"})
    reporters = fields.List(fields.Nested(NationalReporterRefSchema))
    series = fields.List(fields.Nested(NationalPointSchema))
    mirror_check = fields.List(fields.Nested(MirrorRowSchema))


class RevisionSchema(Schema):
    value = fields.Float(allow_none=True)
    attrs = fields.Dict(keys=fields.String(), values=fields.String())
    submission_id = fields.String(allow_none=True)
    published_at = fields.String(allow_none=True)
    deleted = fields.String(allow_none=True)
    replaced_at = fields.String(allow_none=True)


class NationalHistoryItemSchema(Schema):
    id = fields.String(metadata={"description": "<series key>@<time period>"})
    value = fields.Float(allow_none=True)
    deleted = fields.String(allow_none=True, metadata={"description": "the submission that deleted it (ACTION D)"})
    revisions = fields.List(fields.Nested(RevisionSchema))


class NationalHistorySchema(Schema):
    country = fields.String()
    items = fields.List(fields.Nested(NationalHistoryItemSchema))
