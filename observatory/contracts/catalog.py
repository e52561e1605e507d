"""The catalog's contracts: what the gateway sends it and what it answers.

Requests refuse unknown fields; answers are what the gateway dumps (only
declared fields leave it) and what the contract test loads catalog's real
answers with.
"""
import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from observatory.contracts.common import MAX_EMAIL, MAX_URL, Number, PageQuerySchema
from observatory.contracts.events import ISO3, PERIOD, ObservedProductSchema
from observatory.vocabulary import ENTRY_ID_MAX, PRACTICE_STATUSES, PRACTICE_THEME_PATTERN, PROVIDER_TYPES, pattern

ENTRY_ID_PATTERN = rf"^[a-z0-9][a-z0-9-]{{0,{ENTRY_ID_MAX - 1}}}$"
PROVIDER_ID = pattern(ENTRY_ID_PATTERN, error=f"a provider id: up to {ENTRY_ID_MAX} lower-case letters, digits and '-'")
PRACTICE_ID = pattern(ENTRY_ID_PATTERN, error=f"a practice id: up to {ENTRY_ID_MAX} lower-case letters, digits and '-'")
CORRIDOR = pattern(r"^[A-Z]{3}-[A-Z]{3}$", error="a corridor like USA-MEX")
CURRENCY = pattern(r"^[A-Z]{3}$", error="an ISO 4217 currency code")
HTTP_URL = (validate.Length(max=MAX_URL), validate.URL(schemes={"http", "https"}, require_tld=True))
THEME = pattern(PRACTICE_THEME_PATTERN, error="a theme: lower-case words")
_ENTRY_TAG = re.compile(r'^(?:W/)?"v(\d+)"$')


def entry_etag(version):
    """The ETag of a catalog entry (provider or practice) at ``version``."""
    return f'"v{version}"'


def version_of(etag):
    """The version an ``If-Match`` value names, or None for a tag that is not one of ours."""
    match = _ENTRY_TAG.match((etag or "").strip())
    return int(match.group(1)) if match else None


def _text(maximum, minimum=None, **kwargs):
    return fields.String(validate=validate.Length(min=minimum, max=maximum), **kwargs)


def _list(field, maximum, minimum=None, **kwargs):
    return fields.List(field, validate=validate.Length(min=minimum, max=maximum), **kwargs)


# -- providers ----------------------------------------------------------------------

class ProviderQuerySchema(PageQuerySchema):
    type = fields.String(validate=validate.OneOf(PROVIDER_TYPES))
    country = fields.String(validate=ISO3)
    corridor = fields.String(validate=CORRIDOR)
    q = _text(200, metadata={"description": "words of the name or an alias"})
    alias = _text(200, metadata={"description": "a firm name exactly as a source file writes it"})


class LicenceSchema(Schema):
    country = fields.String(required=True, validate=ISO3)
    regulator = _text(200, required=True)
    licence = _text(200)
    url = fields.String(validate=HTTP_URL)


class ContactSchema(Schema):
    email = fields.Email(validate=validate.Length(max=MAX_EMAIL))
    phone = _text(50)
    address = _text(500)
    url = fields.String(validate=HTTP_URL)


class CorridorServedSchema(Schema):
    source = fields.String(required=True, validate=ISO3)
    destination = fields.String(required=True, validate=ISO3)
    first_period = fields.String(allow_none=True, validate=PERIOD)
    last_period = fields.String(allow_none=True, validate=PERIOD)
    observed = fields.Boolean(metadata={"description": "seen in surveyed quotes (else declared by the provider)"})


class CorridorPairSchema(Schema):
    source = fields.String(required=True, validate=ISO3)
    destination = fields.String(required=True, validate=ISO3)


class ProviderEditSchema(Schema):
    """What an operator or the provider itself may change (``PATCH``)."""

    name = _text(200, 1)
    description = _text(5000)
    website = fields.String(validate=HTTP_URL, allow_none=True)
    contact = fields.Nested(ContactSchema)
    licences = _list(fields.Nested(LicenceSchema), 100)
    products = _list(fields.Nested(ObservedProductSchema), 200)
    declared_corridors = _list(fields.Nested(CorridorPairSchema), 500, metadata={"description": "corridors the provider says it serves (observed ones come from the data)"})

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("nothing to change", "_schema")


class ProviderCreateSchema(ProviderEditSchema):
    name = _text(200, 1, required=True)
    types = _list(fields.String(validate=validate.OneOf(PROVIDER_TYPES)), 5, 1, required=True)


class MergeRequestSchema(Schema):
    other = fields.String(required=True, validate=PROVIDER_ID,
                          metadata={"description": "the entry merged into this one (its id keeps resolving here)"})


class SplitRequestSchema(Schema):
    alias = _text(200, required=True, metadata={"description": "the raw name to take out into an entry of its own"})


class ProviderSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    aliases = fields.List(fields.String(), required=True)
    types = fields.List(fields.String(metadata={"enum": list(PROVIDER_TYPES)}), required=True)
    firm_types = fields.List(fields.String(), metadata={"description": "as the survey files write them"})
    corridors = fields.List(fields.Nested(CorridorServedSchema), required=True)
    countries = fields.List(fields.String(), required=True)
    products = fields.List(fields.Nested(ObservedProductSchema))
    licences = fields.List(fields.Nested(LicenceSchema))
    website = fields.String(allow_none=True)
    contact = fields.Nested(ContactSchema)
    description = fields.String(allow_none=True)
    origin = fields.String(metadata={"enum": ["observed", "operator", "split"]})
    former_ids = fields.List(fields.String())
    version = fields.Integer(required=True)
    created_at = fields.String()
    updated_at = fields.String()


class ProviderListSchema(Schema):
    items = fields.List(fields.Nested(ProviderSchema), required=True)
    next_cursor = fields.String(allow_none=True)
    total = fields.Integer()


class AuditEntrySchema(Schema):
    at = fields.String(required=True)
    by = fields.String(required=True)
    action = fields.String(required=True)
    fields_ = fields.List(fields.String(), required=True, data_key="fields", attribute="fields")
    version = fields.Integer(required=True)
    before = fields.Dict()
    after = fields.Dict()
    origin = fields.String()
    merged = fields.String()
    alias = fields.String()
    into = fields.String()


class AuditListSchema(Schema):
    provider_id = fields.String(required=True)
    items = fields.List(fields.Nested(AuditEntrySchema), required=True)


# -- declared prices ----------------------------------------------------------------

class DeclaredQuoteRequestSchema(Schema):
    """A price the provider declares: the same inputs the survey records."""

    source = fields.String(required=True, validate=ISO3)
    destination = fields.String(required=True, validate=ISO3)
    period = fields.String(validate=PERIOD, metadata={"description": "default: the current quarter"})
    currency = fields.String(required=True, validate=CURRENCY, metadata={"description": "the sender's currency"})
    amount = Number(required=True, allow_nan=False, validate=validate.Range(min=0, min_inclusive=False,
                                                                                  max=1e9))
    amount_usd = Number(allow_nan=False, validate=validate.Range(min=0, min_inclusive=False, max=1e9))
    fee = Number(required=True, allow_nan=False, validate=validate.Range(min=0, max=1e9))
    # Bounds as for surveyed quotes (services/ingest/plausibility.py): a rate above 1e9 units is no currency's.
    exchange_rate = Number(required=True, allow_nan=False, validate=validate.Range(min=0, min_inclusive=False,
                                                                                   max=1e9))
    interbank_rate = Number(required=True, allow_nan=False, validate=validate.Range(min=0, min_inclusive=False,
                                                                                    max=1e9))
    product = _text(200)
    payment_instrument = _text(200)
    pickup_method = _text(200)
    speed = _text(50)

    @validates_schema
    def _plausible(self, data, **kwargs):
        if "fee" in data and "amount" in data and data["fee"] >= data["amount"]:
            raise ValidationError("the fee must be less than the amount sent", "fee")
        rate, interbank = data.get("exchange_rate"), data.get("interbank_rate")
        if rate and interbank and not 0.5 <= rate / interbank <= 1.1:
            raise ValidationError("the exchange rate must be within -10 % and +50 % of the interbank rate "
                                  "(the same currency pair, units of the receiving currency per sending unit)",
                                  "exchange_rate")


class DeclaredProvenanceSchema(Schema):
    kind = fields.String(required=True, metadata={"enum": ["provider-declared"]})
    provider_id = fields.String(required=True)
    declared_by = fields.String(required=True)
    declared_at = fields.String(required=True)


class DeclaredQuoteSchema(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["provider-declared"]})
    provider_id = fields.String(required=True)
    provider = fields.String(required=True)
    source, destination, period, currency = (fields.String(required=True) for _ in range(4))
    amount, fee, exchange_rate, interbank_rate = (fields.Float(required=True) for _ in range(4))
    amount_usd = fields.Float(allow_none=True)
    fee_pct, fx_margin_pct, total_cost_pct = (fields.Float(required=True) for _ in range(3))
    product, payment_instrument, pickup_method, speed = (fields.String(allow_none=True) for _ in range(4))
    provenance = fields.Nested(DeclaredProvenanceSchema, required=True)


class DeclaredQuoteListSchema(Schema):
    items = fields.List(fields.Nested(DeclaredQuoteSchema), required=True)


# -- practices ----------------------------------------------------------------------

class SourceReferenceSchema(Schema):
    title = _text(500, required=True)
    publisher = _text(200)
    year = fields.Integer(validate=validate.Range(min=1900, max=2100))
    url = fields.String(validate=HTTP_URL)


class PracticeEditSchema(Schema):
    title = _text(300, 1)
    summary = _text(2000, 1)
    body = _text(50000, 1)
    countries = _list(fields.String(validate=ISO3), 250)
    themes = _list(fields.String(validate=THEME), 20)
    source = fields.Nested(SourceReferenceSchema)

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("nothing to change", "_schema")


class PracticeCreateSchema(PracticeEditSchema):
    id = fields.String(validate=PRACTICE_ID, metadata={"description": "default: a slug of the title"})
    title = _text(300, 1, required=True)
    summary = _text(2000, 1, required=True)
    body = _text(50000, 1, required=True)
    source = fields.Nested(SourceReferenceSchema, required=True)
    status = fields.String(load_default="draft", validate=validate.OneOf(PRACTICE_STATUSES))


class PracticeImportSchema(Schema):
    items = _list(fields.Nested(PracticeCreateSchema), 1000, 1, required=True)


class PracticeQuerySchema(PageQuerySchema):
    q = _text(200, metadata={"description": "words; title matches rank above summary above body"})
    theme = fields.String(validate=THEME)
    country = fields.String(validate=ISO3)
    status = fields.String(validate=validate.OneOf(PRACTICE_STATUSES),
                           metadata={"description": "operators only: drafts are not public"})


class PracticeSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    body = fields.String(required=True)
    countries = fields.List(fields.String(), required=True)
    themes = fields.List(fields.String(), required=True)
    source = fields.Nested(SourceReferenceSchema, required=True)
    status = fields.String(required=True, metadata={"enum": list(PRACTICE_STATUSES)})
    version = fields.Integer(required=True)
    created_at = fields.String()
    updated_at = fields.String()
    published_at = fields.String(allow_none=True)
    score = fields.Integer(metadata={"description": "search rank (with ?q=)"})


class PracticeListSchema(Schema):
    items = fields.List(fields.Nested(PracticeSchema), required=True)
    next_cursor = fields.String(allow_none=True)
    total = fields.Integer()


class ImportAnswerSchema(Schema):
    created = fields.List(fields.String(), required=True)
    unchanged = fields.List(fields.String(), required=True)


# -- what the catalog adds to published reads ---------------------------------------

class ProviderRefSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    types = fields.List(fields.String(), required=True)


class PracticeRefSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    themes = fields.List(fields.String(), required=True)


class CorridorExtrasSchema(Schema):
    provider_ids = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))
    declared_quotes = fields.List(fields.Nested(DeclaredQuoteSchema), required=True)


class CountryExtrasSchema(Schema):
    providers = fields.List(fields.Nested(ProviderRefSchema), required=True)
    practices = fields.List(fields.Nested(PracticeRefSchema), required=True)


# A catalog write's RPC answer says whether the call changed anything: a
# re-run (the same merge, split or declared price again) changes nothing and
# announces nothing, so the gateway waits for an event only when it did. The
# HTTP answer never shows it: response schemas dump their declared fields only.
CHANGED = "changed"


def write_changed(answer):
    return bool(answer.get(CHANGED, True))
