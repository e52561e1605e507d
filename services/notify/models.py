"""What notify stores: subscribers, their subscriptions (with the keys that
find them for an event), notifications (one per event and subscription) and
deliveries (one per notification and channel, with every attempt)."""
from mongoengine import BooleanField, Document, DateTimeField, DictField, FloatField, IntField, ListField, StringField


STORE_ALIAS = "notify"


class Subscriber(Document):
    meta = {"db_alias": STORE_ALIAS, "collection": "subscribers", "indexes": ["country"]}

    id = StringField(primary_key=True)
    name = StringField(required=True)
    country = StringField(required=True)
    kind = StringField()
    created_at = DateTimeField()


class Subscription(Document):
    """``match_keys`` say which events can concern it ("corridor:SAU-NPL",
    "sender:SAU", "receiver:NPL", "ldc", "any"): an event looks up the
    subscriptions holding one of its keys, never all of them."""

    meta = {"db_alias": STORE_ALIAS, "collection": "subscriptions",
            "indexes": [("event_types", "match_keys", "status"), "subscriber_id"]}

    id = StringField(primary_key=True)
    subscriber_id = StringField(required=True)
    event_types = ListField(StringField())
    match_keys = ListField(StringField())
    corridors = ListField(DictField())
    countries = ListField(DictField())
    ldc_destinations = BooleanField()
    threshold_pct = FloatField()
    min_change_pp = FloatField()
    provider_types = ListField(StringField())
    practice_themes = ListField(StringField())
    channel = DictField()
    cadence = StringField()
    secrets = ListField(DictField())  # {"secret": "whsec_...", "expires_at": ...}: two during a rotation
    status = StringField(default="active")
    disabled_reason = StringField()
    consecutive_failures = IntField(default=0)
    created_at = DateTimeField()


class Notification(Document):
    """One per (event, subscription): its id is derived from both, so a
    redelivered event finds it already there."""

    meta = {"db_alias": STORE_ALIAS, "collection": "notifications",
            "indexes": [("subscriber_id", "-created_at"), "subscription_id"]}

    id = StringField(primary_key=True)
    subscription_id = StringField(required=True)
    subscriber_id = StringField(required=True)
    event_id = StringField(required=True)
    type = StringField(required=True)
    occurred_at = StringField()
    data = DictField()
    created_at = DateTimeField()


class Delivery(Document):
    """A notification on its way through one channel. Due attempts are
    claimed with one conditional update (``status`` pending/retrying and due
    → sending with a lease), so two notify instances never send one attempt."""

    meta = {"db_alias": STORE_ALIAS, "collection": "deliveries",
            "indexes": [("status", "next_attempt_at"), ("subscriber_id", "-created_at")]}

    id = StringField(primary_key=True)
    notification_id = StringField(required=True)
    subscription_id = StringField(required=True)
    subscriber_id = StringField(required=True)
    channel = StringField(required=True)
    status = StringField(required=True)
    attempts = ListField(DictField())
    next_attempt_at = DateTimeField()
    lease_until = DateTimeField()
    claimed_by = StringField()
    created_at = DateTimeField()
