"""Values taken from a request path, checked like query values (400 when malformed)."""
from marshmallow import ValidationError

from gateway.schemas import ISO3, DatasetId


def iso3_from_path(value):
    """A country code from the path, upper-cased; 400 when it is not ISO3-shaped."""
    try:
        return ISO3(value.upper())
    except ValidationError as exc:
        raise ValidationError({"country": exc.messages}) from None


def dataset_id_from_path(value):
    try:
        return DatasetId(value)
    except ValidationError as exc:
        raise ValidationError({"id": exc.messages}) from None
