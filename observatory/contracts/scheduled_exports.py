"""Scheduled exports (issue 21, DESIGN §4: deliveries of notify): a member
institution chooses a dataflow (corridors, indicators, a country's flows) or
a corridor set, CSV or SDMX-CSV, delivered by email or signed webhook on a
cadence. The gateway validates and resolves a saved corridor set's name;
notify keeps, runs and delivers them."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from observatory.contracts.notify import ChannelSchema
from observatory.vocabulary import ISO3_PATTERN, PERIOD_PATTERN, pattern

EXPORT_CONTENTS = ("corridors", "indicators", "flows")
EXPORT_FORMATS = ("csv", "sdmx-csv")
EXPORT_CADENCES = {"daily": 1, "weekly": 7, "monthly": 30}  # days between deliveries
EXPORT_CHANNELS = ("email", "webhook")
CORRIDOR = pattern(r"^[A-Z]{3}-[A-Z]{3}$", error="a corridor like ARE-NPL")


class ExportContentSchema(Schema):
    dataflow = fields.String(required=True, validate=validate.OneOf(EXPORT_CONTENTS), metadata={
        "description": "corridors: OBSERVATORY:RPW_CORRIDOR_COST; indicators: RPW_INDICATORS; flows: a "
                       "country's REMITTANCE_FLOWS"})
    format = fields.String(load_default="csv", validate=validate.OneOf(EXPORT_FORMATS))
    period = fields.String(validate=pattern(PERIOD_PATTERN, error="a period like 2014Q1"),
                           metadata={"description": "corridors: the quarter (default: the latest published)"})
    country = fields.String(validate=pattern(ISO3_PATTERN, error="an ISO 3166 alpha-3 code"),
                            metadata={"description": "flows: the country"})
    corridors = fields.List(fields.String(validate=CORRIDOR), validate=validate.Length(min=1, max=100),
                            metadata={"description": "corridors: only these rows"})
    corridor_set = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "corridors: the rows of this saved corridor set of the workspace (the gateway puts its "
                       "corridors in corridors, which are what is exported)"})

    @validates_schema
    def _fits_the_dataflow(self, data, **kwargs):
        flow = data["dataflow"]
        if flow == "flows" and not data.get("country"):
            raise ValidationError("required for the flows dataflow", "country")
        if flow != "flows" and "country" in data:
            raise ValidationError("only for the flows dataflow", "country")
        for name in ("period", "corridors", "corridor_set"):
            if flow != "corridors" and name in data:
                raise ValidationError("only for the corridors dataflow", name)


class ScheduledExportCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    content = fields.Nested(ExportContentSchema, required=True)
    channel = fields.Nested(ChannelSchema, required=True)
    cadence = fields.String(load_default="weekly", validate=validate.OneOf(tuple(EXPORT_CADENCES)))

    @validates_schema
    def _delivered(self, data, **kwargs):
        if data["channel"]["type"] not in EXPORT_CHANNELS:
            raise ValidationError("an export is delivered by email or webhook", "channel")


class ExportRunSchema(Schema):
    at = fields.String()
    status = fields.String(metadata={"enum": ["delivered", "failed"]})
    rows = fields.Integer(allow_none=True)
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)


class ScheduledExportSchema(Schema):
    id = fields.String(required=True)
    subscriber_id = fields.String(required=True)
    name = fields.String(required=True)
    content = fields.Dict(required=True)
    channel = fields.Nested(ChannelSchema, required=True)
    cadence = fields.String(required=True)
    status = fields.String(metadata={"enum": ["active", "deleted"]})
    next_due_at = fields.String(allow_none=True)
    runs = fields.Integer()
    last_run = fields.Nested(ExportRunSchema, allow_none=True)
    created_at = fields.String()
    secret = fields.String(metadata={"description": "whsec_...: in the creation answer only"})
    audit = fields.List(fields.Dict(), metadata={
        "description": "who created and changed it, when, which fields (observatory.audit)"})


class ScheduledExportListSchema(Schema):
    items = fields.List(fields.Nested(ScheduledExportSchema), required=True)


# What a scheduled export's owner may change (PATCH); a new channel is a new export (its webhook secret).
EXPORT_EDITABLE = ("name", "cadence", "content")


class ScheduledExportEditSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    content = fields.Nested(ExportContentSchema)
    cadence = fields.String(validate=validate.OneOf(tuple(EXPORT_CADENCES)))

    @validates_schema
    def _changes_something(self, data, **kwargs):
        if not data:
            raise ValidationError(f"name at least one of {', '.join(EXPORT_EDITABLE)}", "_schema")

