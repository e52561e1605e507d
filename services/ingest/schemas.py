"""Marshmallow schemas of the ingest service: the lenient field types the
published files need, one schema per kind of row, and the RPC payloads."""
import re

from marshmallow import Schema, ValidationError, fields, validate

from observatory.countries import countries
from observatory.vocabulary import DATASET_KINDS, pattern
from services.ingest.parsers.tabular import NonFinite, is_missing, to_number

_PERIOD_FORMS = (re.compile(r"^([0-9]{4})\s*[_\-\s]?\s*Q([1-4])$", re.I),   # 2014Q2, 2014 Q2, 2014-Q2
                 re.compile(r"^([0-9]{4})\s*[_\-\s]\s*([1-4])Q$", re.I),     # 2014_2Q (RPW)
                 re.compile(r"^Q([1-4])\s*[_\-\s]?\s*([0-9]{4})$", re.I))    # Q2 2014


def normalise_period(value):
    """'2014_2Q', '2014Q2', 'Q2 2014' → '2014Q2'; None when not a period."""
    text = str(value).strip()
    for number, form in enumerate(_PERIOD_FORMS):
        match = form.match(text)
        if match:
            year, quarter = match.groups() if number < 2 else reversed(match.groups())
            return f"{year}Q{quarter}"
    return None


def _optional_defaults(kwargs):
    """Optional cells default to None; required ones report what is missing."""
    if not kwargs.get("required"):
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)


class Period(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        period = None if is_missing(value) else normalise_period(value)
        if period is None:
            raise ValidationError(f"not a period like 2014Q2 or 2014_2Q: {value!r}")
        return period


class Country(fields.Field):
    """An ISO3 code or a country name in any known variant → ISO3."""

    def _deserialize(self, value, attr, data, **kwargs):
        if is_missing(value):
            raise ValidationError("missing country")
        iso3 = countries().resolve(value)
        if iso3 is None:
            raise ValidationError(f"unknown country: {value!r}")
        return iso3


class Number(fields.Field):
    """Numbers, text-typed numbers, and the files' missing markers ('..', 'N/A')."""

    def __init__(self, **kwargs):
        _optional_defaults(kwargs)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            number = to_number(value)
        except NonFinite as exc:
            raise ValidationError(str(exc)) from None
        except ValueError:
            raise ValidationError(f"not a number: {value!r}") from None
        if number is None and self.required:
            raise ValidationError("missing value")
        return number


class Text(fields.Field):
    def __init__(self, max_length=500, **kwargs):
        _optional_defaults(kwargs)
        super().__init__(**kwargs)
        self.max_length = max_length

    def _deserialize(self, value, attr, data, **kwargs):
        if is_missing(value):
            if self.required:
                raise ValidationError("missing value")
            return None
        text = " ".join(str(value).split())
        if len(text) > self.max_length:
            raise ValidationError(f"longer than {self.max_length} characters")
        return text


class YesNo(fields.Field):
    def __init__(self, **kwargs):
        _optional_defaults(kwargs)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if is_missing(value):
            return None
        text = str(value).strip().lower()
        if text in ("yes", "y", "true", "1"):
            return True
        if text in ("no", "n", "false", "0"):
            return False
        raise ValidationError(f"expected yes or no: {value!r}")


def _price_point(prefix):
    return {f"{prefix}_{name}": Number() for name in
            ("lcu_amount", "denomination_amount", "lcu_fee", "lcu_fx_rate", "fx_margin")} | {
        f"{prefix}_lcu_code": Text(max_length=10), f"{prefix}_total_cost": Number()}


QuoteRowSchema = Schema.from_dict({
    "source_id": Text(max_length=50),
    "period": Period(required=True),
    "source": Country(required=True),
    "destination": Country(required=True),
    "firm": Text(required=True, max_length=200),
    "firm_type": Text(max_length=100),
    "product": Text(),
    "payment_instrument": Text(),
    "access_point": Text(),
    "sending_location": Text(),
    "speed": Text(max_length=50),
    **_price_point("cc1"),
    **_price_point("cc2"),
    "interbank_fx": Number(),
    "transparent": YesNo(),
    "note1": Text(max_length=2000),
    "note2": Text(max_length=2000),
    "coverage": Text(),
    "pickup_method": Text(),
    "pickup_location": Text(),
    "date": Text(max_length=40),
}, name="QuoteRowSchema")


class CorridorAverageRowSchema(Schema):
    period = Period(required=True)
    source = Country(required=True)
    destination = Country(required=True)
    average_total_cost_pct = Number(required=True)


class CorridorMeanRowSchema(Schema):
    period = Period(required=True)
    source = Country(required=True)
    destination = Country(required=True)
    average_total_cost_pct = Number(required=True)
    average_total_cost_pct_500 = Number()
    average_fx_margin_pct = Number()
    quote_rows = Number()


class UploadChunkSchema(Schema):
    upload_id = fields.String(required=True, validate=pattern(r"^[0-9a-f]{32}$"))
    index = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))
    data = fields.String(required=True)  # base64


class FinishUploadSchema(Schema):
    upload_id = fields.String(required=True, validate=pattern(r"^[0-9a-f]{32}$"))
    kind = fields.String(required=True, validate=validate.OneOf(DATASET_KINDS))
    chunks = fields.Integer(required=True, validate=validate.Range(min=1, max=100_000))
    size = fields.Integer(required=True, validate=validate.Range(min=1))
    sha256 = fields.String(required=True, validate=pattern(r"^[0-9a-f]{64}$"))
    filename = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))
    year = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1960, max=2100))
