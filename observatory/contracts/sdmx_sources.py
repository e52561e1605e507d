"""The answers of ingest's paged RPCs that the gateway's SDMX web service reads
(``corridor_cost_page``, ``published_quotes_page``, ``flows_page``): whole
series, a page of corridors or economies at a time, with ``next_cursor``; and the
catalog's ``declared_cost_page`` (the DECLARED series) with its request."""
from marshmallow import Schema, fields, validate

from observatory.contracts.events import ISO3, PERIOD

_PCT = {"allow_none": True, "allow_nan": False}


class CorridorCostPeriodSchema(Schema):
    period = fields.String(required=True)
    observed_pct = fields.Float(**_PCT)  # USD 200, transparent quotes
    quotes_total = fields.Integer(allow_none=True)
    quotes_transparent = fields.Integer(allow_none=True)
    dataset_id = fields.String(allow_none=True)
    official_pct = fields.Float(**_PCT)
    derived_pct = fields.Float(**_PCT)
    # USD 500 (cc2), where the series has it
    observed_pct_500 = fields.Float(**_PCT)
    official_pct_500 = fields.Float(**_PCT)
    derived_pct_500 = fields.Float(**_PCT)


class CorridorCostSchema(Schema):
    source = fields.String(required=True)
    destination = fields.String(required=True)
    periods = fields.List(fields.Nested(CorridorCostPeriodSchema), required=True)


class CorridorCostPageSchema(Schema):
    items = fields.List(fields.Nested(CorridorCostSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class QuotePeriodSchema(Schema):
    period = fields.String(required=True)
    dataset_id = fields.String(required=True)
    rows = fields.List(fields.List(fields.Raw(allow_none=True)), required=True)  # in the order of quote_fields


class CorridorQuotesSchema(Schema):
    source = fields.String(required=True)
    destination = fields.String(required=True)
    periods = fields.List(fields.Nested(QuotePeriodSchema), required=True)


class PublishedQuotesPageSchema(Schema):
    quote_fields = fields.List(fields.String(), required=True)
    items = fields.List(fields.Nested(CorridorQuotesSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class MatrixCellSchema(Schema):
    year = fields.Integer(required=True)
    source = fields.String(required=True)  # the sending economy
    usd_millions = fields.Float(required=True, allow_nan=False)


class EconomyFlowsSchema(Schema):
    iso3 = fields.String(required=True)
    series = fields.Dict(required=True)  # as country_profile's ``series``
    matrix = fields.List(fields.Nested(MatrixCellSchema), required=True)


class FlowsPageSchema(Schema):
    items = fields.List(fields.Nested(EconomyFlowsSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


# -- the catalog's declared series (``declared_cost_page``) ------------------------------------

class DeclaredCostPageRequestSchema(Schema):
    """What the gateway asks the catalog for: a page of corridors, optionally one corridor and a quarter range,
    and ``as_of`` (ISO 8601 with a timezone) for the prices declared then."""

    cursor = fields.String(allow_none=True, validate=validate.Length(max=400))
    limit = fields.Integer(validate=validate.Range(min=1, max=500))
    source = fields.String(allow_none=True, validate=ISO3)
    destination = fields.String(allow_none=True, validate=ISO3)
    first = fields.String(allow_none=True, validate=PERIOD)
    last = fields.String(allow_none=True, validate=PERIOD)
    as_of = fields.String(allow_none=True, validate=validate.Length(max=40))


class DeclaredCostPeriodSchema(Schema):
    period = fields.String(required=True)
    amount = fields.String(required=True, validate=validate.OneOf(["USD200", "USD500"]))
    average_total_cost_pct = fields.Float(required=True, allow_nan=False)  # mean of the declared total cost %
    quotes = fields.Integer(required=True)  # declared prices averaged


class DeclaredCostSchema(Schema):
    source = fields.String(required=True)
    destination = fields.String(required=True)
    periods = fields.List(fields.Nested(DeclaredCostPeriodSchema), required=True)


class DeclaredCostPageSchema(Schema):
    items = fields.List(fields.Nested(DeclaredCostSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class DeclaredMarkerSchema(Schema):
    prices = fields.Integer(required=True)
    last_declared_at = fields.String(allow_none=True, required=True)
