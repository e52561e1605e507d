"""One schema per event (and command) payload; unknown fields are refused."""
from marshmallow import Schema, fields, validate

from observatory.vocabulary import (
    DATASET_ID_PATTERN,
    DATASET_KINDS,
    ENTRY_ID_MAX,
    ISO3_PATTERN,
    PERIOD_PATTERN,
    PROVIDER_TYPES,
    pattern,
)

PERIOD = pattern(PERIOD_PATTERN, error="a period like 2014Q2")
ISO3 = pattern(ISO3_PATTERN, error="an ISO 3166 alpha-3 code")
DATASET_ID = pattern(DATASET_ID_PATTERN, error="a dataset id (16 hex digits)")
COUNT = validate.Range(min=0)
ENTRY_ID = validate.Length(min=1, max=ENTRY_ID_MAX)


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


class ObservedCorridorSchema(Schema):
    source = fields.String(required=True, validate=ISO3)
    destination = fields.String(required=True, validate=ISO3)
    first_period = fields.String(required=True, validate=PERIOD)
    last_period = fields.String(required=True, validate=PERIOD)


class ObservedProductSchema(Schema):
    """One way a firm moves money, as the survey describes it."""

    product = fields.String(allow_none=True, validate=validate.Length(max=500))
    payment_instrument = fields.String(allow_none=True, validate=validate.Length(max=500))
    pickup_method = fields.String(allow_none=True, validate=validate.Length(max=500))
    access_point = fields.String(allow_none=True, validate=validate.Length(max=500))
    speed = fields.String(allow_none=True, validate=validate.Length(max=50))
    coverage = fields.String(allow_none=True, validate=validate.Length(max=500))


class ObservedFirmSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    firm_types = fields.List(fields.String(validate=validate.Length(max=100)), required=True)
    corridors = fields.List(fields.Nested(ObservedCorridorSchema), required=True)
    products = fields.List(fields.Nested(ObservedProductSchema), load_default=list)


class FirmsObservedSchema(Schema):
    """``firms.observed``: the firms a published dataset of quotes names (catalog builds providers)."""

    dataset_id = fields.String(required=True, validate=DATASET_ID)
    firms = fields.List(fields.Nested(ObservedFirmSchema), required=True)


class FirmsObservedBatchSchema(FirmsObservedSchema):
    """``firms.observed`` as the catalog reads it: each firm is then checked on
    its own with ObservedFirmSchema, so one that breaks the contract is parked
    with its reason and never holds back the others."""

    firms = fields.List(fields.Dict(keys=fields.String()), required=True)


class ProviderRegisteredSchema(Schema):
    """``provider.registered``: a new provider entry (from the data, or created by an operator)."""

    provider_id = fields.String(required=True, validate=ENTRY_ID)
    name = fields.String(required=True)
    types = fields.List(fields.String(validate=validate.OneOf(PROVIDER_TYPES)), required=True)
    countries = fields.List(fields.String(validate=ISO3), required=True)
    origin = fields.String(required=True, validate=validate.OneOf(("observed", "operator", "split")))


class ProviderUpdatedSchema(Schema):
    """``provider.updated``: an entry changed; ``fields`` names what changed."""

    provider_id = fields.String(required=True, validate=ENTRY_ID)
    version = fields.Integer(required=True, validate=COUNT)
    fields_ = fields.List(fields.String(), required=True, data_key="fields", attribute="fields")
    by = fields.String(required=True)
    types = fields.List(fields.String(validate=validate.OneOf(PROVIDER_TYPES)), load_default=list)
    countries = fields.List(fields.String(validate=ISO3), load_default=list)


class ProvidersChangedSchema(Schema):
    """``providers.changed``: the entries one import's firms wrote, as one change (its readers
    refresh once, not once per entry; each entry's own event goes out too, for subscribers)."""

    dataset_id = fields.String(required=True, validate=DATASET_ID)
    providers = fields.Integer(required=True, validate=COUNT)  # entries written


def one_of_a_batch(event_type, data):
    """True for a provider event that one import's firms caused: the
    ``providers.changed`` after them stands for all of them."""
    if event_type == "provider.registered":
        return data.get("origin") == "observed"
    return event_type == "provider.updated" and str(data.get("by", "")).startswith("ingest:")


class PracticePublishedSchema(Schema):
    """``practice.published``: a best-practice entry is now public."""

    practice_id = fields.String(required=True, validate=ENTRY_ID)
    title = fields.String(required=True)
    themes = fields.List(fields.String(), required=True)
    countries = fields.List(fields.String(validate=ISO3), required=True)


class PracticeUpdatedSchema(Schema):
    """``practice.updated``: a published entry was edited (``fields`` names what changed)."""

    practice_id = fields.String(required=True, validate=ENTRY_ID)
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    fields_ = fields.List(fields.String(validate=validate.Length(max=50)), required=True, data_key="fields")


class RequestPublishedSchema(Schema):
    """``request.published``: a peer-learning request is public (notify alerts the theme's followers)."""

    request_id = fields.String(required=True, validate=ENTRY_ID)
    member_id = fields.String(required=True, validate=ENTRY_ID)
    country = fields.String(required=True, validate=ISO3)
    title = fields.String(required=True)
    theme = fields.String(allow_none=True)
    corridor = fields.String(allow_none=True)


CONTRACTS = {
    "dataset.import": DatasetImportSchema,
    "dataset.published": DatasetPublishedSchema,
    "corridor.cost.changed": CorridorCostChangedSchema,
    "firms.observed": FirmsObservedSchema,
    "provider.registered": ProviderRegisteredSchema,
    "provider.updated": ProviderUpdatedSchema,
    "providers.changed": ProvidersChangedSchema,
    "practice.published": PracticePublishedSchema,
    "practice.updated": PracticeUpdatedSchema,
    "request.published": RequestPublishedSchema,
}



class PlanTargetChangedSchema(Schema):
    """``plan.target.changed``: a national plan's target was met, or slipped off track, on a new publication."""

    member_id = fields.String(required=True, validate=ENTRY_ID)
    member_name = fields.String(required=True)
    country = fields.String(required=True, validate=ISO3)
    plan_title = fields.String(required=True)
    year = fields.Integer(required=True)
    change = fields.String(required=True, validate=validate.OneOf(("met", "slipped")))
    from_ = fields.String(required=True, data_key="from", attribute="from")
    to = fields.String(required=True)
    target_pct = _percent(required=True)
    observed_pct = _percent(required=True)
    observed_period = fields.String(required=True, allow_none=True, validate=PERIOD)
    expected_pct = _percent(required=True)
    series = fields.String(required=True)
    corridors = fields.List(fields.String(), required=True)
    dataset_id = fields.String(allow_none=True, validate=DATASET_ID)


CONTRACTS["plan.target.changed"] = PlanTargetChangedSchema

# Who publishes each event (commands stay inside their service).
PRODUCED_BY = {
    "ingest": ("dataset.published", "corridor.cost.changed", "firms.observed"),
    "catalog": ("provider.registered", "provider.updated", "providers.changed", "practice.published",
                "request.published", "practice.updated"),
}
PRODUCED_BY["catalog"] += ("plan.target.changed",)
# Work a service sends to its own queue (observatory.outbox: not news, not for subscribers).
COMMANDS_OF = {
    "ingest": ("dataset.import",),
}
COMMANDS_OF["ingest"] += ("national.validate",)


def contract_for(message_type):
    """The schema instance for ``message_type``, or None for a type without one."""
    schema = CONTRACTS.get(message_type)
    return schema() if schema else None


class NationalPublishedSchema(Schema):
    """``national.published``: a reporting institution's submission is published (its country's
    ``national`` series); ``embargo_until`` is the date it was held to, when it was."""

    submission_id = fields.String(required=True, validate=pattern(r"^[0-9a-f]{16}$"))
    reporter_id = fields.String(required=True, validate=ENTRY_ID)
    country = fields.String(required=True, validate=ISO3)
    periods = fields.List(fields.String(validate=pattern(r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$")), required=True)
    observations = fields.Integer(required=True, validate=COUNT)
    revised = fields.Integer(required=True, validate=COUNT)
    deleted = fields.Integer(required=True, validate=COUNT)
    embargo_until = fields.String(required=True, allow_none=True)
    published_at = fields.String(required=True)


CONTRACTS["national.published"] = NationalPublishedSchema
PRODUCED_BY["ingest"] = (*PRODUCED_BY["ingest"], "national.published")


class NationalEmbargoedSchema(Schema):
    """``national.embargoed``: a submission will be published at ``release_at`` (for release calendars;
    not a subscriber event, and never a figure)."""

    submission_id = fields.String(required=True, validate=pattern(r"^[0-9a-f]{16}$"))
    reporter_id = fields.String(required=True, validate=ENTRY_ID)
    country = fields.String(required=True, validate=ISO3)
    periods = fields.List(fields.String(), required=True)
    release_at = fields.String(required=True)


CONTRACTS["national.embargoed"] = NationalEmbargoedSchema
PRODUCED_BY["ingest"] = (*PRODUCED_BY["ingest"], "national.embargoed")


class NationalValidateSchema(Schema):
    """Command ``national.validate``: ingest's own work queue (a received submission to parse and validate)."""

    submission_id = fields.String(required=True, validate=pattern(r"^[0-9a-f]{16}$"))


CONTRACTS["national.validate"] = NationalValidateSchema
