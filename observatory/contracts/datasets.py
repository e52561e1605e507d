"""The answers ingest gives about datasets (upload, status, list, review
decisions), which the gateway dumps through these schemas. ``summary``,
``review`` and ``failure_details`` differ by kind and stage, so they stay
objects; everything an operator script reads by name is declared."""
from marshmallow import Schema, fields

from observatory.vocabulary import DATASET_KINDS, DATASET_STATUSES


def _status():
    return fields.String(required=True, metadata={"enum": list(DATASET_STATUSES), "example": "completed"})


def _when():
    return fields.String(allow_none=True, metadata={"format": "date-time"})


class RowErrorSchema(Schema):
    row = fields.Integer(allow_none=True, metadata={"example": 214})
    field = fields.String(allow_none=True, metadata={"example": "cc1 total cost %"})
    message = fields.String(required=True, metadata={"example": "not a number: 'n.a'"})


class DatasetSchema(Schema):
    """``GET /datasets/{id}``: where an import stands, its tallies, errors and review."""

    id = fields.String(required=True, metadata={"example": "3f2a9c0d41b7e655"})
    kind = fields.String(required=True, metadata={"enum": list(DATASET_KINDS), "example": "rpw-quotes"})
    filename = fields.String(allow_none=True, metadata={"example": "rpw_dataset_2011_2017_q1.xlsx"})
    size = fields.Integer(allow_none=True)
    sha256 = fields.String(allow_none=True)
    status = _status()
    year = fields.Integer(allow_none=True)
    rows_total, rows_accepted, rows_rejected, errors_total = (fields.Integer(allow_none=True) for _ in range(4))
    errors = fields.List(fields.Nested(RowErrorSchema))
    failure = fields.String(allow_none=True)
    failure_details = fields.Dict(allow_none=True)
    periods = fields.List(fields.String(), allow_none=True)
    summary = fields.Dict(allow_none=True, metadata={"description": "phase, counts and periods; by kind"})
    review = fields.Dict(allow_none=True, metadata={
        "description": "the diff against what is published (added, changed, losing quotes), the suspect values "
                       "that hold it (suspects: row, field, value, rule, usual_range) and the decision"})
    created_at, started_at, finished_at, published_at = (_when() for _ in range(4))


class DatasetListSchema(Schema):
    """``GET /datasets``: newest first, without row errors."""

    items = fields.List(fields.Nested(DatasetSchema), required=True)
    total = fields.Integer(required=True)
    next_cursor = fields.String(allow_none=True)


class UploadAnswerSchema(Schema):
    """``POST /datasets``: the dataset queued for import, or the one that already holds these bytes."""

    id = fields.String(required=True, metadata={"example": "3f2a9c0d41b7e655"})
    status = _status()
    duplicate = fields.Boolean(required=True)


class PublishAnswerSchema(Schema):
    """``POST /datasets/{id}/publish``."""

    id = fields.String(required=True)
    status = _status()
    republished = fields.Boolean(required=True)
    version = fields.Integer(required=True)
    periods = fields.List(fields.String(), required=True)
    corridors_changed = fields.Integer(required=True)


class RejectAnswerSchema(Schema):
    """``POST /datasets/{id}/reject``."""

    id = fields.String(required=True)
    status = _status()


class ReleaseSchema(Schema):
    """``GET /releases``: a published dataset, for anyone, with its file's checksum."""

    id = fields.String(required=True, metadata={"example": "3f2a9c0d41b7e655"})
    kind = fields.String(required=True, metadata={"enum": list(DATASET_KINDS), "example": "rpw-quotes"})
    filename = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    sha256 = fields.String(required=True, metadata={"description": "of the raw file, hex"})
    periods = fields.List(fields.String(), allow_none=True)
    year = fields.Integer(allow_none=True)
    rows_accepted = fields.Integer(allow_none=True)
    published_at = _when()
    raw_url = fields.String(required=True, metadata={"example": "/api/v1/datasets/3f2a9c0d41b7e655/raw"})


class ReleaseListSchema(Schema):
    items = fields.List(fields.Nested(ReleaseSchema), required=True)
    total = fields.Integer(required=True)
    next_cursor = fields.String(allow_none=True)


class ObservedFirmsDatasetSchema(Schema):
    dataset_id = fields.String(required=True)
    published_at = fields.String(allow_none=True)


class ObservedFirmsDatasetListSchema(Schema):
    """ingest's ``observed_firm_datasets``: the published datasets of quotes
    whose firms the catalog's observed providers come from (its rebuild)."""

    items = fields.List(fields.Nested(ObservedFirmsDatasetSchema), required=True)
