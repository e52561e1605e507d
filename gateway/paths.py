"""Values taken from a request path, checked like query values (400 when
malformed), and the form of each, as the OpenAPI description states it."""
from marshmallow import ValidationError

from gateway.schemas import ISO3, DatasetId
from observatory.contracts.catalog import ENTRY_ID_PATTERN
from observatory.vocabulary import DATASET_ID_PATTERN, ENTRY_ID_MAX

MAX_PATH_VALUE = 200  # no id of this API is longer
_COUNTRY = {"type": "string", "pattern": "^[A-Za-z]{3}$", "minLength": 3, "maxLength": 3,
            "description": "ISO 3166 alpha-3 (read in upper case)", "example": "NPL"}
_ENTRY = {"type": "string", "pattern": ENTRY_ID_PATTERN, "minLength": 1, "maxLength": ENTRY_ID_MAX}
PATH_VALUE_SCHEMAS = {
    "source": _COUNTRY, "destination": _COUNTRY, "iso3": _COUNTRY,
    "dataset_id": {"type": "string", "pattern": DATASET_ID_PATTERN, "minLength": 16, "maxLength": 16},
    "provider_id": _ENTRY, "practice_id": _ENTRY,
}
# The SDMX web service's path values (checked by gateway.sdmx.query / structure_query), with working examples.
_SDMX = {"type": "string", "minLength": 1, "maxLength": MAX_PATH_VALUE}
PATH_VALUE_SCHEMAS.update({
    "flow": {**_SDMX, "example": "RPW_CORRIDOR_COST"}, "resource_id": {**_SDMX, "example": "RPW_CORRIDOR_COST"},
    "key": {**_SDMX, "maxLength": 2000, "example": "Q.ARE.NPL.OFFICIAL.USD200"},
    "provider": {**_SDMX, "example": "all"}, "artefact_type": {**_SDMX, "example": "dataflow"},
    "agency": {**_SDMX, "example": "OBSERVATORY"}, "artefact_id": {**_SDMX, "example": "RPW_CORRIDOR_COST"},
    "version": {**_SDMX, "example": "1.0"}, "context": {**_SDMX, "example": "dataflow"},
})


def path_value_schema(name):
    """The OpenAPI schema of path value ``name`` (any other id: a bounded string)."""
    return PATH_VALUE_SCHEMAS.get(name, {"type": "string", "minLength": 1, "maxLength": MAX_PATH_VALUE})


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
