"""Request and response schemas of the gateway's own endpoints."""
import datetime as dt

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from gateway.auth import MEMBER, OPERATOR, PROVIDER, REPORTER, ROLES, SUBSCRIBER
from observatory.contracts.analysis import PeersQuerySchema, ScorecardQuerySchema, WhatIfQuerySchema
from observatory.contracts.catalog import PracticeQuerySchema, ProviderQuerySchema
from observatory.contracts.common import PageQuerySchema
from observatory.pagination import MAX_OFFSET
from observatory.vocabulary import (
    DATASET_ID_PATTERN,
    DATASET_KINDS,
    DATASET_STATUSES,
    ISO3_PATTERN,
    PERIOD_PATTERN,
    pattern,
)

IDENTIFIER = pattern(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$",
                     error="1-64 letters, digits, '_', '.', ':' or '-'")


class CredentialRequestSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    provider_id = fields.String(validate=IDENTIFIER)
    subscriber_id = fields.String(validate=IDENTIFIER)
    reporter_id = fields.String(validate=IDENTIFIER)
    member_id = fields.String(validate=IDENTIFIER)
    label = fields.String(validate=validate.Length(max=200))

    @validates_schema
    def _reporter_subject(self, data, **kwargs):
        """reporter_id with role reporter, and only there."""
        if (data.get("role") == REPORTER) != ("reporter_id" in data):
            raise ValidationError("required for role 'reporter'" if data.get("role") == REPORTER
                                  else f"not allowed for role {data.get('role')!r}", "reporter_id")

    @validates_schema
    def _subject_matches_role(self, data, **kwargs):
        role = data.get("role")
        wanted = {PROVIDER: "provider_id", SUBSCRIBER: "subscriber_id", OPERATOR: None}.get(role)
        wanted = "member_id" if role == MEMBER else wanted
        for key in ("provider_id", "subscriber_id", "member_id"):
            if key in data and key != wanted:
                raise ValidationError(f"not allowed for role {role!r}", key)
        if wanted and wanted not in data:
            raise ValidationError(f"required for role {role!r}", wanted)


class CredentialSchema(Schema):
    id = fields.String()
    role = fields.String()
    provider_id = fields.Method("_provider_id")
    subscriber_id = fields.Method("_subscriber_id")
    reporter_id = fields.Method("_reporter_id")
    member_id = fields.Method("_member_id")
    label = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    created_by = fields.String(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)

    def _provider_id(self, credential):
        return credential.subject_id if credential.role == PROVIDER else None

    def _subscriber_id(self, credential):
        return credential.subject_id if credential.role == SUBSCRIBER else None

    def _reporter_id(self, credential):
        return credential.subject_id if credential.role == REPORTER else None

    def _member_id(self, credential):
        return credential.subject_id if credential.role == MEMBER else None


class MintedCredentialSchema(CredentialSchema):
    """A new credential with its token: the one answer that ever shows it."""

    token = fields.String(required=True)


class CredentialListSchema(Schema):
    items = fields.List(fields.Nested(CredentialSchema), required=True)


class PrincipalSchema(Schema):
    role = fields.String()
    subject_id = fields.String(allow_none=True)
    credential_id = fields.String(allow_none=True)


class ReplayRequestSchema(Schema):
    event_ids = fields.List(fields.UUID(), validate=validate.Length(min=1, max=1000))


PERIOD = pattern(PERIOD_PATTERN, error="a period like 2014Q2")
ISO3 = pattern(ISO3_PATTERN, error="an ISO 3166 alpha-3 code like NPL")
DatasetId = pattern(DATASET_ID_PATTERN, error="a dataset id: 16 hexadecimal digits")


class UploadQuerySchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(DATASET_KINDS))
    year = fields.Integer(validate=validate.Range(min=1960, max=2100))


class PageSchema(PageQuerySchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class DatasetListQuerySchema(PageSchema):
    kind = fields.String(validate=validate.OneOf(DATASET_KINDS))
    status = fields.String(validate=validate.OneOf(DATASET_STATUSES))


class DatasetQuerySchema(Schema):
    errors_offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))
    errors_limit = fields.Integer(load_default=100, validate=validate.Range(min=0, max=1000))


class NoQuerySchema(Schema):
    """For endpoints without query parameters: any parameter is an error."""


class PeriodQuerySchema(Schema):
    period = fields.String(validate=PERIOD)


class CorridorListQuerySchema(PageSchema):
    period = fields.String(validate=PERIOD)
    source = fields.String(validate=ISO3)
    destination = fields.String(validate=ISO3)


class AsOfTime(fields.String):
    """``asOf``: an ISO 8601 timestamp with a timezone (or Z), not in the future; loaded as the same
    instant in UTC, to the millisecond, written ``2026-12-02T13:55:01.123Z``."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if len(text) > 40:
            raise ValidationError("an ISO 8601 timestamp is at most 40 characters")
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ValidationError("an ISO 8601 timestamp with a timezone, like 2026-12-02T13:55:01Z") from None
        if moment.tzinfo is None:
            raise ValidationError("needs a timezone (Z or +hh:mm): a time without one is ambiguous")
        moment = moment.astimezone(dt.timezone.utc)
        if moment > dt.datetime.now(dt.timezone.utc):
            raise ValidationError("is in the future: nothing was published then yet")
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000, tzinfo=None)
        return moment.isoformat(timespec="milliseconds") + "Z"


class AsOfQuery(Schema):
    """The one ``asOf`` of every answer of published figures (DESIGN §7): the vintage then."""

    as_of = AsOfTime(data_key="asOf", validate=validate.Length(max=40), metadata={
        "format": "date-time", "description": "answer what was published at this time (ISO 8601 with a timezone); "
                                              "the answer's permalink pins its vintage"})


class AsOfQuerySchema(AsOfQuery):
    pass


class ScorecardAsOfQuerySchema(AsOfQuery, ScorecardQuerySchema):
    pass


class WhatIfAsOfQuerySchema(AsOfQuery, WhatIfQuerySchema):
    pass


class PeriodAsOfQuerySchema(AsOfQuery, PeriodQuerySchema):
    pass


class CorridorListAsOfQuerySchema(AsOfQuery, CorridorListQuerySchema):
    pass


class AuditQuerySchema(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class CredentialListQuerySchema(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))


class DeadLetterQuerySchema(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class ServiceHealthSchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["ok", "unavailable", "error"]})
    store = fields.String()
    durable = fields.Boolean(metadata={"description": "true: MongoDB keeps the data across restarts; false: the "
                                                      "in-process store, lost when the process stops"})
    data_since = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "since when the store holds data (in-process: the process's start)"})
    started_at = fields.String(metadata={"format": "date-time"})
    reason = fields.String()


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["ok", "degraded"]})
    services = fields.Dict(keys=fields.String(), values=fields.Nested(ServiceHealthSchema), required=True)


class ApiIndexSchema(Schema):
    name = fields.String(required=True)
    version = fields.String(required=True)
    links = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                        metadata={"example": {"corridor": "/api/v1/corridors/<source>/<destination>"}})


class DeadLetterSchema(Schema):
    event_id = fields.String(allow_none=True)
    type = fields.String(allow_none=True)
    queue = fields.String(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"example": "rejected"})
    routing_keys = fields.List(fields.String())
    deaths = fields.Integer()
    body = fields.Raw(metadata={"description": "the message as it was last delivered"})


class DeadLetterListSchema(Schema):
    items = fields.List(fields.Nested(DeadLetterSchema), required=True)


class ReplayAnswerSchema(Schema):
    replayed = fields.Integer(required=True)


class FormQuery:
    """A page's query from an HTML form: a field left empty is not given, and
    codes may be typed in lower case."""

    UPPER = ("country", "corridor")

    @pre_load
    def _from_form(self, data, **kwargs):
        return {key: (value.strip().upper() if key in self.UPPER else value.strip())
                for key, value in data.items() if isinstance(value, str) and value.strip()}


class ProviderPageQuerySchema(FormQuery, ProviderQuerySchema):
    pass


class PracticePageQuerySchema(FormQuery, PracticeQuerySchema):
    class Meta:
        exclude = ("status",)  # the pages show what is published


class PeersAsOfQuerySchema(AsOfQuery, PeersQuerySchema):
    """The peers as published at ``asOf`` (the figures of that vintage)."""
