"""Notify's contracts: subscribers, subscriptions, notifications and
deliveries, as the gateway sends and serves them."""
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from observatory.contracts.common import MAX_EMAIL, MAX_URL, Number, PageQuerySchema
from observatory.contracts.events import ISO3, PERIOD
from observatory.countries import countries
from observatory.vocabulary import PRACTICE_THEME_PATTERN, PROVIDER_TYPES, SUBSCRIBER_EVENT_TYPES, pattern

CHANNELS = ("webhook", "email", "feed")
CADENCES = ("immediate", "daily", "weekly")
COUNTRY_ROLES = ("sender", "receiver", "either")
DELIVERY_STATUSES = ("pending", "sending", "delivered", "retrying", "failed", "disabled")
THEME = pattern(PRACTICE_THEME_PATTERN, error="a theme: lower-case words")


def _known_country(value):
    if countries().get(value) is None:
        raise ValidationError(f"{value} is not an ISO 3166 alpha-3 code of a country")


class CountryCode(fields.String):
    def __init__(self, **kwargs):
        super().__init__(validate=[ISO3, _known_country], **kwargs)


class SubscriberCreateSchema(Schema):
    id = fields.String(validate=pattern(r"^[a-z0-9][a-z0-9-]{1,63}$", error="lower-case letters, digits and '-'"),
                       metadata={"description": "default: generated (sub_...)"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    country = CountryCode(required=True)
    kind = fields.String(load_default="ministry", validate=validate.OneOf(
        ("ministry", "central bank", "statistics office", "other")))


class SubscriberSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    country = fields.String(required=True)
    kind = fields.String()
    created_at = fields.String()


class SubscriberListSchema(Schema):
    items = fields.List(fields.Nested(SubscriberSchema), required=True)
    next_cursor = fields.String(allow_none=True)


class CorridorFilterSchema(Schema):
    source = CountryCode(required=True)
    destination = CountryCode(required=True)


class CountryFilterSchema(Schema):
    country = CountryCode(required=True)
    role = fields.String(load_default="either", validate=validate.OneOf(COUNTRY_ROLES))


class ChannelSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    url = fields.String(validate=(validate.Length(max=MAX_URL), validate.URL(schemes={"https", "http"},
                                                                              require_tld=False)))
    email = fields.Email(validate=validate.Length(max=MAX_EMAIL))

    @validates_schema
    def _address_fits_the_type(self, data, **kwargs):
        wanted = {"webhook": "url", "email": "email", "feed": None}[data["type"]]
        for name in ("url", "email"):
            if name in data and name != wanted:
                raise ValidationError(f"not used by a {data['type']} channel", name)
        if wanted and wanted not in data:
            raise ValidationError(f"required for a {data['type']} channel", wanted)


class SubscriptionCreateSchema(Schema):
    """What a subscriber wants to hear about, and how."""

    event_types = fields.List(fields.String(validate=validate.OneOf(SUBSCRIBER_EVENT_TYPES)), required=True,
                              validate=validate.Length(min=1, max=len(SUBSCRIBER_EVENT_TYPES)))
    corridors = fields.List(fields.Nested(CorridorFilterSchema), validate=validate.Length(max=500))
    countries = fields.List(fields.Nested(CountryFilterSchema), validate=validate.Length(max=250))
    ldc_destinations = fields.Boolean(metadata={"description": "corridors into any Least Developed Country"})
    threshold_pct = Number(validate=validate.Range(min=0, max=100), metadata={
        "description": "corridor.cost.threshold_crossed: the level (default 5, the SDG line)"})
    min_change_pp = Number(validate=validate.Range(min=0, max=100), metadata={
        "description": "corridor.cost.changed: only moves of at least this many percentage points"})
    provider_types = fields.List(fields.String(validate=validate.OneOf(PROVIDER_TYPES)),
                                 validate=validate.Length(max=len(PROVIDER_TYPES)))
    practice_themes = fields.List(fields.String(validate=THEME), validate=validate.Length(max=20))
    channel = fields.Nested(ChannelSchema, required=True)
    cadence = fields.String(load_default="immediate", validate=validate.OneOf(CADENCES))

    @validates("event_types")
    def _distinct(self, value, **kwargs):
        if len(set(value)) != len(value):
            raise ValidationError("each event type once")


class SubscriptionSchema(Schema):
    id = fields.String(required=True)
    subscriber_id = fields.String(required=True)
    event_types = fields.List(fields.String(), required=True)
    corridors = fields.List(fields.Nested(CorridorFilterSchema))
    countries = fields.List(fields.Nested(CountryFilterSchema))
    ldc_destinations = fields.Boolean()
    threshold_pct = fields.Float(allow_none=True)
    min_change_pp = fields.Float(allow_none=True)
    provider_types = fields.List(fields.String())
    practice_themes = fields.List(fields.String())
    channel = fields.Nested(ChannelSchema, required=True)
    cadence = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["active", "disabled"]})
    disabled_reason = fields.String(allow_none=True)
    created_at = fields.String()
    secret = fields.String(metadata={"description": "whsec_...: in the creation answer only"})


class SubscriptionListSchema(Schema):
    items = fields.List(fields.Nested(SubscriptionSchema), required=True)
    next_cursor = fields.String(allow_none=True)


class NotificationSchema(Schema):
    id = fields.String(required=True, metadata={"description": "also the webhook-id of its deliveries"})
    subscription_id = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": list(SUBSCRIBER_EVENT_TYPES)})
    occurred_at = fields.String(required=True)
    data = fields.Dict(required=True)
    created_at = fields.String()


class NotificationListSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema), required=True)
    next_cursor = fields.String(allow_none=True)


class AttemptSchema(Schema):
    at = fields.String(required=True)
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Float()


class DeliverySchema(Schema):
    id = fields.String(required=True)
    notification_id = fields.String(required=True)
    subscription_id = fields.String(required=True)
    channel = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(DELIVERY_STATUSES)})
    attempts = fields.List(fields.Nested(AttemptSchema), required=True)
    next_attempt_at = fields.String(allow_none=True)
    created_at = fields.String()


class DeliveryListSchema(Schema):
    items = fields.List(fields.Nested(DeliverySchema), required=True)
    next_cursor = fields.String(allow_none=True)


class SubscriptionAdminQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(("active", "disabled")))
    subscriber_id = fields.String(validate=validate.Length(max=64))


class FeedQuerySchema(PageQuerySchema):
    type = fields.String(validate=validate.OneOf(SUBSCRIBER_EVENT_TYPES))


class DeliveryQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES))


class ThresholdCrossedSchema(Schema):
    """``corridor.cost.threshold_crossed`` (a subscriber event notify derives
    from ``corridor.cost.changed`` for each subscription's level)."""

    source = fields.String(required=True, validate=ISO3)
    destination = fields.String(required=True, validate=ISO3)
    period = fields.String(required=True, validate=PERIOD)
    previous_period = fields.String(required=True, validate=PERIOD)
    average_total_cost_pct = fields.Float(required=True)
    previous_average_total_cost_pct = fields.Float(required=True)
    threshold_pct = fields.Float(required=True)
    direction = fields.String(required=True, validate=validate.OneOf(("up", "down")))
