"""One schema per event (and command) payload; unknown fields are refused."""
from marshmallow import Schema, fields, validate

from observatory.vocabulary import DATASET_ID_PATTERN, DATASET_KINDS, ISO3_PATTERN, PERIOD_PATTERN, pattern

PERIOD = pattern(PERIOD_PATTERN, error="a period like 2014Q2")
ISO3 = pattern(ISO3_PATTERN, error="an ISO 3166 alpha-3 code")
DATASET_ID = pattern(DATASET_ID_PATTERN, error="a dataset id (16 hex digits)")
COUNT = validate.Range(min=0)


def _percent(**kwargs):
    return fields.Float(allow_none=True, allow_nan=False, **kwargs)


class DatasetImportSchema(Schema):
    """Command ``dataset.import``: ingest's own work queue."""

    dataset_id = fields.String(required=True, validate=DATASET_ID)


class DatasetPublishedSchema(Schema):
    """``dataset.published``: a whole dataset is now what the platform publishes."""

    dataset_id = fields.String(required=True, validate=DATASET_ID)
    kind = fields.String(required=True, validate=validate.OneOf(DATASET_KINDS))
    filename = fields.String(allow_none=True, validate=validate.Length(max=255))
    sha256 = fields.String(required=True, validate=pattern(r"^[0-9a-f]{64}$"))
    rows_total = fields.Integer(required=True, validate=COUNT)
    rows_accepted = fields.Integer(required=True, validate=COUNT)
    rows_rejected = fields.Integer(required=True, validate=COUNT)
    periods = fields.List(fields.String(validate=PERIOD), load_default=list)
    phase = fields.String()
    republished = fields.Boolean()
    # rpw-quotes
    corridor_periods = fields.Integer(validate=COUNT)
    corridors_changed = fields.Integer(validate=COUNT)
    firms = fields.Integer(validate=COUNT)
    # rpw-corridor-averages, rpw-corridor-means
    corridor_series = fields.String(validate=validate.OneOf(("official", "derived")))
    # bilateral-matrix
    years = fields.List(fields.Integer())
    sending_countries = fields.Integer(validate=COUNT)
    residual_rows = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    periods_reweighted = fields.List(fields.String(validate=PERIOD))
    # country-flows
    economies = fields.Integer(validate=COUNT)
    series = fields.List(fields.String())


class CorridorCostChangedSchema(Schema):
    """``corridor.cost.changed``: a corridor-period's observed average is new or moved."""

    source = fields.String(required=True, validate=ISO3)
    destination = fields.String(required=True, validate=ISO3)
    period = fields.String(required=True, validate=PERIOD)
    dataset_id = fields.String(required=True, validate=DATASET_ID)
    average_total_cost_pct = _percent(required=True)
    smart_average_pct = _percent(required=True)
    quotes_transparent = fields.Integer(required=True, validate=COUNT)
    revised_from_pct = _percent(required=True)
    previous_period = fields.String(required=True, allow_none=True, validate=PERIOD)
    previous_period_average_pct = _percent(required=True)


class ObservedFirmSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    firm_types = fields.List(fields.String(validate=validate.Length(max=100)), required=True)
    corridors = fields.List(fields.String(validate=pattern(r"^[A-Z]{3}-[A-Z]{3}$")), required=True)


class FirmsObservedSchema(Schema):
    """``firms.observed``: the firms a published dataset of quotes names (catalog builds providers)."""

    dataset_id = fields.String(required=True, validate=DATASET_ID)
    firms = fields.List(fields.Nested(ObservedFirmSchema), required=True)


CONTRACTS = {
    "dataset.import": DatasetImportSchema,
    "dataset.published": DatasetPublishedSchema,
    "corridor.cost.changed": CorridorCostChangedSchema,
    "firms.observed": FirmsObservedSchema,
}


def contract_for(message_type):
    """The schema instance for ``message_type``, or None for a type without one."""
    schema = CONTRACTS.get(message_type)
    return schema() if schema else None
