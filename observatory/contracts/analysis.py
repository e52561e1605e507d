"""The policy analysis answers (issue 20): the SDG 10.c tracker, peer
benchmarks, corridor scorecards and what-if savings, each figure with its
period, series, source and quality flags; and their queries."""
from marshmallow import Schema, fields, validate

from observatory.analysis.peers import MAX_PEERS
from observatory.contracts.vintages import permalink_field, vintage_field
from observatory.vocabulary import ISO3_PATTERN, PERIOD_PATTERN, pattern

_ISO3 = pattern(ISO3_PATTERN, error="an ISO 3166 alpha-3 code like NPL")
_N = dict(allow_none=True)


class QualitySchema(Schema):
    """How much one published cost can be trusted (``observatory.analysis.quality``)."""
    series = fields.String()
    period = fields.String()
    period_end = fields.String()
    age_days = fields.Integer()
    age_years = fields.Float()
    quotes = fields.Integer(**_N)
    quotes_non_transparent = fields.Integer(**_N)
    negative_fx_margins = fields.Integer(**_N)
    weight_year = fields.Integer(**_N)
    coverage = fields.Float(**_N)
    coverage_note = fields.String(**_N)


class FigureSchema(Schema):
    value = fields.Float(**_N)
    period = fields.String(**_N)
    series = fields.String(**_N)
    corridors = fields.Integer(**_N)
    source = fields.String(**_N)
    method = fields.String(**_N)
    quality = fields.Nested(QualitySchema, **_N)


class AreaAverageSchema(Schema):
    series = fields.String()
    period = fields.String()
    value = fields.Float()
    corridors = fields.Integer()
    at_or_below_target = fields.Boolean()


class CeilingCorridorSchema(Schema):
    source = fields.String()
    destination = fields.String()
    value = fields.Float()
    period = fields.String()
    series = fields.String()


class AnnualMeanSchema(Schema):
    year = fields.Integer()
    value = fields.Float()


class TrendSchema(Schema):
    series = fields.String(**_N)
    method = fields.String()
    annual_means = fields.List(fields.Nested(AnnualMeanSchema))
    slope_pp_per_year = fields.Float(**_N)
    reach_target_year = fields.Integer(**_N)
    reason = fields.String(**_N)


class TrackerSchema(Schema):
    direction = fields.String()
    target_pct = fields.Float()
    ceiling_pct = fields.Float()
    headline = fields.Nested(FigureSchema, **_N)
    averages = fields.List(fields.Nested(AreaAverageSchema))
    corridors_above_ceiling = fields.List(fields.Nested(CeilingCorridorSchema))
    trend = fields.Nested(TrendSchema)


class SdgSchema(Schema):
    area = fields.String(metadata={"description": "the ISO3 code, or LDC for the group"})
    name = fields.String()
    members = fields.Integer()
    receiving = fields.Nested(TrackerSchema, metadata={"description": "the cost of sending to the area"})
    sending = fields.Nested(TrackerSchema, metadata={"description": "the cost of sending from the area"})
    vintage, permalink = vintage_field(), permalink_field()


class PeerRowSchema(Schema):
    iso3 = fields.String()
    value = fields.Float()
    period = fields.String()
    series = fields.String()
    corridors = fields.Integer(**_N)
    rank = fields.Integer()


class AggregateSchema(Schema):
    value = fields.Float()
    period = fields.String()
    series = fields.String()
    rows_used = fields.Integer()
    rows_in_group = fields.Integer()
    coverage = fields.Float(**_N)
    quality = fields.Nested(QualitySchema, **_N)


class BenchmarkSchema(Schema):
    rank = fields.Integer(**_N)
    ranked = fields.Integer()
    members = fields.Integer()
    members_without_value = fields.Integer()
    country = fields.Nested(PeerRowSchema, **_N)
    aggregate = fields.Nested(AggregateSchema, **_N)
    rows = fields.List(fields.Nested(PeerRowSchema))


class PeerGroupSchema(Schema):
    kind = fields.String()
    name = fields.String()
    indicators = fields.Dict(keys=fields.String(), values=fields.Nested(BenchmarkSchema))


class PeersSchema(Schema):
    country = fields.String()
    peers = fields.List(fields.String())
    rank_method = fields.String()
    sources = fields.Dict(keys=fields.String(), values=fields.String())
    groups = fields.List(fields.Nested(PeerGroupSchema))
    vintage, permalink = vintage_field(), permalink_field()


class SmartSchema(Schema):
    value = fields.Float(**_N)
    quotes_qualifying = fields.Integer()
    reason = fields.String(**_N)
    criteria_applied = fields.List(fields.String())
    criteria_not_checked = fields.List(fields.String())


class ScorecardSchema(Schema):
    source = fields.String()
    destination = fields.String()
    period = fields.String()
    series = fields.String()
    source_note = fields.String()
    quotes = fields.Integer()
    quotes_non_transparent = fields.Integer()
    negative_fx_margins = fields.Integer()
    providers = fields.Integer()
    products = fields.Integer()
    average_total_cost_pct = fields.Float(**_N)
    cheapest_total_cost_pct = fields.Float(**_N)
    dearest_total_cost_pct = fields.Float(**_N)
    spread_pp = fields.Float(**_N)
    smart = fields.Nested(SmartSchema)
    share_below_5 = fields.Float(**_N)
    share_at_or_below_3 = fields.Float(**_N)
    share_transparent = fields.Float(**_N)
    mix = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()))
    quality = fields.Nested(QualitySchema)
    newest = fields.Nested(FigureSchema, **_N)
    vintage, permalink = vintage_field(), permalink_field()


class WhatIfSchema(Schema):
    country = fields.String()
    corridor = fields.String(**_N)
    target_pct = fields.Float()
    cost_pct = fields.Float(**_N)
    cost_period = fields.String(**_N)
    cost_series = fields.String(**_N)
    cost_source = fields.String(**_N)
    inflows_usd_millions = fields.Float(**_N)
    inflows_year = fields.Integer(**_N)
    inflows_source = fields.String(**_N)
    savings_usd_millions = fields.Float(**_N)
    assumption = fields.String()
    reason = fields.String(**_N)
    quality = fields.Nested(QualitySchema, **_N)
    vintage, permalink = vintage_field(), permalink_field()


class WhatIfQuerySchema(Schema):
    country = fields.String(validate=_ISO3, metadata={"description": "the receiving country"})
    corridor = fields.String(validate=pattern(r"^[A-Z]{3}-[A-Z]{3}$", error="a corridor like SAU-NPL"),
                             metadata={"description": "SOURCE-DESTINATION, e.g. SAU-NPL"})
    target_pct = fields.Float(load_default=3.0, validate=validate.Range(min=0, max=100, max_inclusive=False),
                              allow_nan=False)


class PeersQuerySchema(Schema):
    peers = fields.String(validate=pattern(r"^[A-Za-z]{3}(,[A-Za-z]{3}){0,%d}$" % (MAX_PEERS - 1),
                                           error=f"at most {MAX_PEERS} ISO3 codes, comma-separated"),
                          metadata={"description": "peers the user picks, e.g. BGD,PAK"})


class ScorecardQuerySchema(Schema):
    period = fields.String(validate=pattern(PERIOD_PATTERN, error="a period like 2014Q2"))


class ReceivingCorridorSchema(Schema):
    source = fields.String()
    period = fields.String()
    providers = fields.Integer()
    products = fields.Integer()
    quotes = fields.Integer()
    quotes_non_transparent = fields.Integer()
    average_total_cost_pct = fields.Float(**_N)
    cheapest_total_cost_pct = fields.Float(**_N)
    spread_pp = fields.Float(**_N)
    smart_pct = fields.Float(**_N)
    share_below_5 = fields.Float(**_N)
    share_at_or_below_3 = fields.Float(**_N)


class ReceivingSummarySchema(Schema):
    destination = fields.String()
    corridors = fields.List(fields.Nested(ReceivingCorridorSchema))
    cheapest_corridor = fields.Nested(ReceivingCorridorSchema, **_N)
    dearest_corridor = fields.Nested(ReceivingCorridorSchema, **_N)
    vintage, permalink = vintage_field(), permalink_field()


class BriefsProgressSchema(Schema):
    status = fields.String(metadata={"description": "printing"})
    briefs_done = fields.Integer()
    briefs_total = fields.Integer(allow_none=True)
    retry_after_seconds = fields.Integer()
