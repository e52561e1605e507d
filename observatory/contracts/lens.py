"""The answers of the LDC lens and the overview (issues 19 and 20): each row
with its own period and series, the mean over one period and series only
with its coverage, the vintage they reflect and their permalink; and the
quote counts ingest answers for the exports' quality columns."""
from marshmallow import Schema, fields

from observatory.contracts.analysis import AggregateSchema
from observatory.contracts.answers import IndicatorsSchema
from observatory.contracts.vintages import VintageSchema, permalink_field, vintage_field

_N = dict(allow_none=True)


class OtherVintageSchema(Schema):
    """Rows of another period or series: listed, never averaged in."""
    period = fields.String()
    series = fields.String()
    rows = fields.Integer()


class LdcRowSchema(Schema):
    iso3 = fields.String()
    name = fields.String()
    cost_pct = fields.Float(**_N, metadata={"description": "the newest average cost of sending to the country"})
    period = fields.String(**_N)
    series = fields.String(**_N, metadata={"description": "observed, official or derived"})
    corridors = fields.Integer(**_N, metadata={"description": "corridors the country's average is the mean of"})
    period_end = fields.String(**_N)
    age_days = fields.Integer(**_N)
    inflows_usd_m = fields.Float(**_N)
    inflows_year = fields.Integer(**_N)
    inflows_source = fields.String(**_N)
    kept_usd_m = fields.Float(**_N, metadata={"description": "estimate: inflows × (cost − 3 %) / 100"})
    quotes = fields.Integer(**_N, metadata={"description": "an observed cost: the quotes surveyed into the "
                                                           "country that quarter (null for other series)"})
    quotes_non_transparent = fields.Integer(**_N)
    negative_fx_margins = fields.Integer(**_N)


class LdcLensSchema(Schema):
    target_pct = fields.Float()
    rows = fields.List(fields.Nested(LdcRowSchema))
    aggregate = fields.Nested(AggregateSchema, **_N, metadata={
        "description": "the mean over the rows of one period and one series only, with its coverage"})
    other_vintages = fields.List(fields.Nested(OtherVintageSchema))
    total_kept_usd_m = fields.Float()
    vintage = vintage_field()
    permalink = permalink_field()


class NewestOverviewSchema(Schema):
    aggregate = fields.Nested(AggregateSchema, **_N)
    other_vintages = fields.List(fields.Nested(OtherVintageSchema))
    corridors = fields.Integer()


class NewestPairSchema(Schema):
    all = fields.Nested(NewestOverviewSchema, metadata={"description": "every corridor"})
    ldc = fields.Nested(NewestOverviewSchema, metadata={"description": "the corridors into LDCs"})


class OverviewSchema(Schema):
    latest = fields.Nested(IndicatorsSchema, **_N, metadata={"description": "the latest quarter with quotes"})
    surveyed_periods = fields.List(fields.String())
    newest = fields.Nested(NewestPairSchema)
    vintage = vintage_field()
    permalink = permalink_field()


class QuoteCountsSchema(Schema):
    source = fields.String()
    destination = fields.String()
    quotes = fields.Integer()
    quotes_non_transparent = fields.Integer()
    negative_fx_margins = fields.Integer()


class CorridorQuoteCountsSchema(Schema):
    """Ingest's ``corridor_quote_counts`` answer."""
    period = fields.String(**_N)
    vintage = fields.Nested(VintageSchema, **_N)
    items = fields.List(fields.Nested(QuoteCountsSchema))
