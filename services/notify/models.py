"""What notify stores: subscribers, their subscriptions (with the keys that
find them for an event), notifications (one per event and subscription) and
deliveries (one per notification and channel, with every attempt).

The schema of each collection only: plain documents (notify relays no
events, so none carries an outbox). Every query, update and index is in
``store.py``; production code reads and writes through it with pymongo."""
from mongoengine import BooleanField, Document, DateTimeField, DictField, FloatField, IntField, ListField, StringField


STORE_ALIAS = "notify"


class Subscriber(Document):
    meta = {"db_alias": STORE_ALIAS, "collection": "subscribers"}

    id = StringField(primary_key=True)
    name = StringField(required=True)
    country = StringField(required=True)
    kind = StringField()
    created_at = DateTimeField()


class Subscription(Document):
    """``match_keys`` say which events can concern it ("corridor:SAU-NPL",
    "sender:SAU", "receiver:NPL", "ldc", "any"): an event looks up the
    subscriptions holding one of its keys, never all of them."""

    meta = {"db_alias": STORE_ALIAS, "collection": "subscriptions"}

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
    last_digest = StringField()  # the last digest window queued ("2026-12-01", "2026-W48")
    created_at = DateTimeField()


class Notification(Document):
    """One per (event, subscription): its id is derived from both, so a
    redelivered event finds it already there."""

    meta = {"db_alias": STORE_ALIAS, "collection": "notifications"}

    id = StringField(primary_key=True)
    subscription_id = StringField(required=True)
    subscriber_id = StringField(required=True)
    event_id = StringField(required=True)
    type = StringField(required=True)
    occurred_at = StringField()
    data = DictField()
    created_at = DateTimeField()


class Delivery(Document):
    """A notification (or a digest of several) on its way through one
    channel. Due attempts are claimed with one conditional update (``status``
    pending/retrying and due → sending with a lease), so two notify instances
    never send one attempt."""

    meta = {"db_alias": STORE_ALIAS, "collection": "deliveries"}

    id = StringField(primary_key=True)
    notification_id = StringField(required=True)  # a digest's: its own id
    notification_ids = ListField(StringField())  # a digest's: the notifications it carries
    digest = DictField()  # a digest's: cadence, period, from, to
    subscription_id = StringField(required=True)
    subscriber_id = StringField(required=True)
    channel = StringField(required=True)
    status = StringField(required=True)
    attempts = ListField(DictField())
    next_attempt_at = DateTimeField()
    lease_until = DateTimeField()
    claimed_by = StringField()
    created_at = DateTimeField()


class ScheduledExport(Document):
    """A member institution's export delivered on a cadence (issue 21): what
    (``content``: a dataflow, a format, a corridor set), where (``channel``,
    with its webhook ``secrets``), when (``next_due_at``), and the run claimed
    under a lease (``claimed_by``, ``lease_until``); queries in
    ``store_scheduled_exports.py``."""

    meta = {"db_alias": STORE_ALIAS, "collection": "scheduled_exports"}

    id = StringField(primary_key=True)
    subscriber_id = StringField(required=True)
    name = StringField(required=True)
    content = DictField()
    channel = DictField()
    cadence = StringField()
    secrets = ListField(DictField())
    status = StringField()
    next_due_at = DateTimeField()
    run_of = DateTimeField()  # a failed run's due time, kept while it is retried (its webhook-id)
    lease_until = DateTimeField()
    claimed_by = StringField()
    runs = IntField(default=0)
    last_run = DictField()
    created_at = DateTimeField()
    audit = ListField(DictField())  # who created, changed and deleted it, when, which fields (observatory.audit)
