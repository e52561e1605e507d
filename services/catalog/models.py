"""What the catalog stores: providers (with their audit log and resolution
keys), the raw names they resolved from, import batches, applied datasets,
declared prices and practices. These classes declare each collection and its
fields; every query, update and index is in the store (``services.catalog.store``).
Provider, Practice and ObservedBatch emit events (outbox documents, relayed);
ProviderAlias applies events once; the others only hold data."""
from mongoengine import (
    Document,
    DateTimeField,
    DictField,
    FloatField,
    IntField,
    ListField,
    StringField,
)

from observatory.idempotency import IdempotentDocument, OutboxDocument
from observatory.vocabulary import PRACTICE_STATUSES

STORE_ALIAS = "catalog"


class Provider(OutboxDocument):
    """One firm. ``corridors`` maps "SRC-DST" to its first and last observed
    period; ``alias_keys`` and ``typo_keys`` are the indexes entity resolution
    looks names up in; ``audit`` holds every change, in the same document so
    the change and its record are one write."""

    meta = {"db_alias": STORE_ALIAS, "collection": "providers"}

    id = StringField(primary_key=True)  # a slug, stable
    name = StringField(required=True)
    aliases = ListField(StringField())  # raw names exactly as the files write them
    alias_keys = ListField(StringField())
    typo_keys = ListField(StringField())
    types = ListField(StringField())
    firm_types = ListField(StringField())  # as the survey wrote them
    corridors = DictField()
    corridor_keys = ListField(StringField())  # observed and declared, for ?corridor=
    declared_corridors = ListField(StringField())  # "SRC-DST" the provider says it serves
    countries = ListField(StringField())
    products = ListField(DictField())
    licences = ListField(DictField())  # {"country", "regulator", "licence", "url"}
    website = StringField()
    contact = DictField()
    description = StringField()
    origin = StringField()  # observed | operator | split
    terms = ListField(StringField())  # words of the name and aliases, for ?q=
    version = IntField(default=1)
    created_at = DateTimeField()
    updated_at = DateTimeField()
    former_ids = ListField(StringField())  # entries merged into this one
    audit = ListField(DictField())


class ProviderAlias(IdempotentDocument):
    """A raw firm name → the provider it resolved to (``?alias=`` and the
    corridor's provider ids). The name is the id: one claim per name."""

    meta = {"db_alias": STORE_ALIAS, "collection": "provider_aliases"}

    id = StringField(primary_key=True)
    provider_id = StringField(required=True)
    how = StringField()  # exact | key | typo | merge | split
    pinned = StringField()  # who split it out: an operator's decision the data does not override
    split_into = StringField()  # the entry a split of this name goes to (reserved before it exists)
    split_from = StringField()  # the entry it was split out of
    # what the data says of this name alone (a split rebuilds entries from these)
    types = ListField(StringField())
    firm_types = ListField(StringField())
    corridors = DictField()
    corridor_keys = ListField(StringField())
    countries = ListField(StringField())
    products = ListField(DictField())


class ObservedBatch(OutboxDocument):
    """One import's firms applied: holds the one ``providers.changed`` that
    stands for all the entries they wrote. The id is the ``firms.observed``
    event's: a redelivery finds it and adds nothing."""

    meta = {"db_alias": STORE_ALIAS, "collection": "observed_batches"}

    id = StringField(primary_key=True)
    dataset_id = StringField(required=True)
    providers = IntField()
    at = DateTimeField()


class DeclaredQuote(Document):
    """A price a provider declared for one of its products on a corridor."""

    meta = {"db_alias": STORE_ALIAS, "collection": "declared_quotes"}

    id = StringField(primary_key=True)
    provider_id = StringField(required=True)
    source = StringField(required=True)
    destination = StringField(required=True)
    period = StringField(required=True)
    product = StringField()
    payment_instrument = StringField()
    pickup_method = StringField()
    speed = StringField()
    currency = StringField()
    amount = FloatField()
    amount_usd = FloatField()
    fee = FloatField()
    exchange_rate = FloatField()
    interbank_rate = FloatField()
    fee_pct = FloatField()
    fx_margin_pct = FloatField()
    total_cost_pct = FloatField()
    declared_at = DateTimeField()
    declared_by = StringField()


class Practice(OutboxDocument):
    """One entry of the best-practice library; ``terms`` and the per-field
    ``*_terms`` are its word indexes (search and ranking)."""

    meta = {"db_alias": STORE_ALIAS, "collection": "practices"}

    id = StringField(primary_key=True)  # a slug
    title = StringField(required=True)
    summary = StringField(required=True)
    body = StringField(required=True)
    countries = ListField(StringField())
    themes = ListField(StringField())
    source = DictField()  # {"title", "publisher", "year", "url"}
    status = StringField(choices=PRACTICE_STATUSES, default="draft")
    terms = ListField(StringField())  # every word of title, summary and body: the search index
    title_terms = ListField(StringField())  # the words of each field, for ranking
    summary_terms = ListField(StringField())
    body_terms = ListField(StringField())
    version = IntField(default=1)
    created_at = DateTimeField()
    updated_at = DateTimeField()
    published_at = DateTimeField()
    created_by = StringField()
    updated_by = StringField()
    published_by = StringField()


class ObservedDataset(Document):
    """A published dataset of quotes whose firms are applied to the registry
    (by its ``firms.observed`` event or by a rebuild: ``services.catalog.rebuild``)."""

    meta = {"db_alias": STORE_ALIAS, "collection": "observed_datasets"}

    id = StringField(primary_key=True)  # the dataset id
    firms = IntField()
    how = StringField()  # event | rebuild
    applied_at = DateTimeField()
