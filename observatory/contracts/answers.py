"""One schema per published answer that ingest gives over RPC and the gateway
serves: the gateway dumps every published read through its schema, and a
contract test loads ingest's real answers with them (unknown fields refused),
so a field added on one side without the other fails the suite."""
from marshmallow import Schema, fields

from observatory.contracts.catalog import DeclaredQuoteSchema, PracticeRefSchema, ProviderRefSchema
from observatory.contracts.vintages import permalink_field, vintage_field
from observatory.contracts.national import NationalBlockSchema
from observatory.contracts.analysis import FigureSchema, QualitySchema
from observatory.vocabulary import SERIES


def _pct():
    return fields.Float(allow_none=True, allow_nan=False)


def _text():
    return fields.String(allow_none=True)


class ProvenanceSchema(Schema):
    kind = fields.String(required=True)
    dataset_id = fields.String(required=True)
    source_row_id = _text()


class QuoteSchema(Schema):
    provider = fields.String(required=True)
    firm_type, product, payment_instrument, access_point, pickup_method, speed, note = (_text() for _ in range(7))
    fee_pct, fx_margin_pct, total_cost_pct_500 = _pct(), _pct(), _pct()
    total_cost_pct = fields.Float(required=True)
    transparent = fields.Boolean(allow_none=True)
    counted_in_average = fields.Boolean(required=True)
    provenance = fields.Nested(ProvenanceSchema, required=True)
    provider_id = fields.String(allow_none=True, metadata={
        "description": "the catalog entry this firm name resolved to (added by the gateway)"})


class TypeAverageSchema(Schema):
    average_total_cost_pct = _pct()
    quotes = fields.Integer()


class CorridorSchema(Schema):
    """``GET /corridors/{source}/{destination}``: one quarter, every series labelled."""

    source = fields.String(required=True)
    destination = fields.String(required=True)
    period = fields.String(required=True)
    average_total_cost_pct = _pct()
    average_source = fields.String(allow_none=True, metadata={"enum": list(SERIES)})
    official_average_pct, derived_average_pct, smart_average_pct = _pct(), _pct(), _pct()
    series = fields.Dict(keys=fields.String(), values=fields.String())
    services = fields.Integer(allow_none=True)
    quotes = fields.List(fields.Nested(QuoteSchema), required=True)
    declared_quotes = fields.List(fields.Nested(DeclaredQuoteSchema), allow_none=True, metadata={
        "description": "prices providers declared themselves (provider-declared): never part of any figure here"})
    catalog = fields.String(metadata={"description": "'unavailable' when the catalog did not answer"})
    dataset_id = fields.String(required=True)
    other_datasets = fields.List(fields.String())
    # observed quarters only
    average_total_cost_pct_500, min_total_cost_pct, max_total_cost_pct = _pct(), _pct(), _pct()
    median_total_cost_pct, average_fee_pct, average_fx_margin_pct = _pct(), _pct(), _pct()
    cheapest_provider = _text()
    by_firm_type = fields.Dict(keys=fields.String(), values=fields.Nested(TypeAverageSchema))
    quotes_total = fields.Integer()
    quotes_transparent = fields.Integer()
    vintage, permalink = vintage_field(), permalink_field()
    quality = fields.Nested(QualitySchema, allow_none=True, metadata={
        "description": "the headline's series, period and its age; for an observed quarter its quotes counted"})


class HistoryItemSchema(Schema):
    period = fields.String(required=True)
    average_total_cost_pct = _pct()
    average_source = fields.String(allow_none=True)
    observed_average_pct, official_average_pct, derived_average_pct, smart_average_pct = (_pct() for _ in range(4))
    quotes_transparent = fields.Integer(allow_none=True)
    dataset_id = _text()


class HistorySchema(Schema):
    """``GET /corridors/{source}/{destination}/history``."""

    source = fields.String(required=True)
    destination = fields.String(required=True)
    series = fields.Dict(keys=fields.String(), values=fields.String())
    items = fields.List(fields.Nested(HistoryItemSchema), required=True)
    vintage, permalink = vintage_field(), permalink_field()


class CorridorListItemSchema(Schema):
    source = fields.String(required=True)
    destination = fields.String(required=True)
    period = fields.String(required=True)
    average_total_cost_pct = _pct()
    average_source = fields.String(allow_none=True)
    official_average_pct, derived_average_pct, smart_average_pct = _pct(), _pct(), _pct()
    quotes_transparent = fields.Integer(allow_none=True)
    cheapest_provider = _text()


class CorridorListSchema(Schema):
    """``GET /corridors``."""

    period = _text()
    total = fields.Integer(required=True)
    items = fields.List(fields.Nested(CorridorListItemSchema), required=True)
    next_cursor = fields.String(allow_none=True)
    vintage, permalink = vintage_field(), permalink_field()


class GroupAverageSchema(Schema):
    average_pct = _pct()
    quotes = fields.Integer()


def _groups():
    return fields.Dict(keys=fields.String(), values=fields.Nested(GroupAverageSchema))


class IndicatorsSchema(Schema):
    """``GET /indicators``: computed from quotes only."""

    period = fields.String(required=True)
    global_average_pct, global_weighted_average_pct, ldc_average_pct, g20_senders_average_pct = (
        _pct() for _ in range(4))
    weight_year = fields.Integer(allow_none=True)
    quotes_transparent = fields.Integer()
    corridors = fields.Integer()
    share_corridors_below_5_pct, share_corridors_at_or_below_3_pct = _pct(), _pct()
    corridors_without_smart = fields.Integer()
    by_region, by_income_group, by_sending_country, by_receiving_country = (_groups() for _ in range(4))
    available_periods = fields.List(fields.String(), required=True)
    vintage, permalink = vintage_field(), permalink_field()


class CountrySchema(Schema):
    iso3 = fields.String(required=True)
    name = fields.String(required=True)
    iso2, m49, un_region, un_subregion, wb_region, income_group = (_text() for _ in range(6))
    ldc, lldc, sids, g20 = (fields.Boolean(allow_none=True) for _ in range(4))


class SenderSchema(Schema):
    source = fields.String(required=True)
    usd_millions = fields.Float(required=True)


class TopSendersSchema(Schema):
    year = fields.Integer(allow_none=True)
    estimate = fields.String()
    items = fields.List(fields.Nested(SenderSchema))


class CorridorRefSchema(Schema):
    source = fields.String(required=True)
    destination = fields.String(required=True)


class CountryProfileSchema(Schema):
    """``GET /countries/{iso3}``."""

    country = fields.Nested(CountrySchema, required=True)
    period = _text()
    average_cost_to_receive_pct, average_cost_to_send_pct = _pct(), _pct()
    series = fields.Dict(keys=fields.String(), values=fields.Dict())  # indicator -> label, unit, source, values
    top_sending_countries = fields.Nested(TopSendersSchema)
    corridors = fields.List(fields.Nested(CorridorRefSchema))
    providers = fields.List(fields.Nested(ProviderRefSchema), allow_none=True,
                            metadata={"description": "providers serving the country, sending or receiving"})
    practices = fields.List(fields.Nested(PracticeRefSchema), allow_none=True,
                            metadata={"description": "published practices tagged with the country"})
    catalog = fields.String(metadata={"description": "'unavailable' when the catalog did not answer"})
    vintage, permalink = vintage_field(), permalink_field()
    national = fields.Nested(NationalBlockSchema, metadata={
        "description": "the series the country's reporting institution submitted (labelled, never mixed "
                       "into the World Bank's) and its mirror check against KNOMAD, WDI and the matrix"})
    newest_cost_to_receive = fields.Nested(FigureSchema, allow_none=True, metadata={
        "description": "the newest period of any series (observed, official, derived), with its quality flags"})
    newest_cost_to_send = fields.Nested(FigureSchema, allow_none=True)
