"""The answers about vintages (DESIGN §4: every publication is a vintage):
the release an answer reflects, the list of releases, and the changes of a
dataflow's figures as SDMX-shaped observations."""
from marshmallow import Schema, fields, validate


class VintageSchema(Schema):
    """The release a published answer reflects; ``asOf=<published_at>`` pins it."""

    id = fields.String(required=True, metadata={"example": "publication-3"})
    published_at = fields.String(required=True, metadata={"format": "date-time",
                                                          "example": "2026-12-02T13:55:01.123Z"})


def vintage_field():
    return fields.Nested(VintageSchema, allow_none=True, metadata={
        "description": "the release (publication) this answer reflects; null before the first one"})


def permalink_field():
    return fields.String(allow_none=True, metadata={
        "description": "this answer's URL pinned to its vintage (asOf = the release's published_at): it answers "
                       "the same figures after later publications"})


class ChangeCountSchema(Schema):
    R = fields.Integer(metadata={"description": "figures new or revised"})
    D = fields.Integer(metadata={"description": "figures deleted"})


class ReleaseSchema(Schema):
    id = fields.String(required=True)
    published_at = fields.String(required=True, metadata={"format": "date-time"})
    dataset_id = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    action = fields.String(allow_none=True)
    periods_changed = fields.List(fields.String())
    changes = fields.Dict(keys=fields.String(), values=fields.Nested(ChangeCountSchema), metadata={
        "description": "per dataflow (RPW_CORRIDOR_COST, RPW_INDICATORS, FLOWS): figures replaced and deleted"})


class ReleaseListSchema(Schema):
    items = fields.List(fields.Nested(ReleaseSchema), required=True)
    next_cursor = fields.String(allow_none=True)


class FigureChangesSchema(Schema):
    """``figure_changes``: observations with the dimension and attribute ids of the dataflow, plus
    ``ACTION`` (R replace, D delete), ``validFrom`` and, superseded, ``validTo``; series-key then period
    then time order."""

    flow = fields.String(required=True)
    as_of = fields.String(required=True)
    updated_after = fields.String(allow_none=True)
    include_history = fields.Boolean(required=True)
    items = fields.List(fields.Dict(), required=True)
    next_cursor = fields.String(allow_none=True)


class SeriesKeySelectionSchema(Schema):
    """``figure_changes(dimensions=...)``: the values a series key names per dimension id (the others any),
    selected in the store query itself."""

    dimensions = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=40)),
                             values=fields.List(fields.String(validate=validate.Length(max=200)),
                                                validate=validate.Length(min=1, max=500)),
                             allow_none=True)
