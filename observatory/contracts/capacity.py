"""Capacity building (issue 21): the requests the catalog's member, resource,
peer-learning, plan and workspace RPCs take, shared with the gateway that
will route them. Every schema refuses unknown fields (marshmallow's default)
and bounds every string and list."""
from marshmallow import Schema, fields, validate, validates_schema, ValidationError

from observatory.errors import NotFound, validated

from observatory.vocabulary import (
    CONTACT_SHARING,
    ENTRY_ID_MAX,
    INSTITUTION_KINDS,
    ISO3_PATTERN,
    MODERATION_STATUSES,
    PERIOD_PATTERN,
    PLAN_STATUSES,
    RESOURCE_KINDS,
    RESOURCE_LEVELS,
    ROLE_MEMBER,
    ROLE_OPERATOR,
    THEME_PATTERN,
    pattern,
)

ISO3 = pattern(ISO3_PATTERN, error="an ISO 3166 alpha-3 code")
PERIOD = pattern(PERIOD_PATTERN, error="a period like 2014Q2")
SLUG = pattern(r"^[a-z0-9][a-z0-9-]{0,%d}$" % (ENTRY_ID_MAX - 1), error="lower-case letters, digits and '-'")
CORRIDOR = pattern(r"^[A-Z]{3}-[A-Z]{3}$", error="a corridor like ARE-NPL")
LANGUAGE = pattern(r"^[a-z]{2}$", error="an ISO 639-1 code like en")
REQUEST_ID = validate.Length(min=1, max=100)


def _text(max_length, required=False, **kwargs):
    return fields.String(required=required, validate=validate.Length(min=1 if required else 0, max=max_length),
                         **kwargs)


def _themes(**kwargs):
    return fields.List(fields.String(validate=pattern(THEME_PATTERN, error="a theme like cost reduction")),
                       validate=validate.Length(max=10), **kwargs)


class PrincipalSchema(Schema):
    """Who acts: an operator, or a member institution (its ``member_id``)."""

    role = fields.String(required=True, validate=validate.OneOf((ROLE_OPERATOR, ROLE_MEMBER)))
    member_id = fields.String(allow_none=True, validate=SLUG)

    @validates_schema
    def _member_named(self, data, **kwargs):
        if data["role"] == ROLE_MEMBER and not data.get("member_id"):
            raise ValidationError("a member institution acts as itself: member_id is required", "member_id")


class MemberCreateSchema(Schema):
    id = fields.String(required=True, validate=SLUG)
    name = _text(200, required=True)
    country = fields.String(required=True, validate=ISO3)
    kind = fields.String(required=True, validate=validate.OneOf(INSTITUTION_KINDS))


class FocalPointContactSchema(Schema):
    email = fields.Email(validate=validate.Length(max=254))
    phone = fields.String(validate=pattern(r"^\+?[0-9 ()-]{5,30}$", error="a phone number like +977 1 441 0158"))


class FocalPointSchema(Schema):
    id = fields.String(validate=SLUG)  # made from the name when absent
    name = _text(200, required=True)
    role = _text(200, required=True)
    themes = _themes(load_default=list)
    contact = fields.Nested(FocalPointContactSchema, load_default=dict)
    listed = fields.Boolean(load_default=False)
    share_contact_with = fields.String(load_default="none", validate=validate.OneOf(CONTACT_SHARING))


class FocalPointEditSchema(FocalPointSchema):
    """Every field optional: an edit sets what it names."""

    class Meta:
        exclude = ("id",)

    name = _text(200)
    role = _text(200)
    themes = _themes()
    contact = fields.Nested(FocalPointContactSchema)
    listed = fields.Boolean()
    share_contact_with = fields.String(validate=validate.OneOf(CONTACT_SHARING))


class ResourceCreateSchema(Schema):
    id = fields.String(validate=SLUG)
    kind = fields.String(required=True, validate=validate.OneOf(RESOURCE_KINDS))
    title = _text(300, required=True)
    summary = _text(2000, load_default="")
    themes = _themes(load_default=list)
    languages = fields.List(fields.String(validate=LANGUAGE), validate=validate.Length(max=10), load_default=list)
    level = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(RESOURCE_LEVELS))
    organiser = _text(200, load_default="")
    link = fields.Url(allow_none=True, load_default=None, schemes={"http", "https"}, validate=validate.Length(max=500))
    start = fields.DateTime(allow_none=True, load_default=None, metadata={"maxLength": 40})
    end = fields.DateTime(allow_none=True, load_default=None, metadata={"maxLength": 40})
    practice_ids = fields.List(fields.String(validate=SLUG), validate=validate.Length(max=20), load_default=list)

    @validates_schema
    def _dates_in_order(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("an event ends after it starts", "end")


class ResourceQuerySchema(Schema):
    q = fields.String(validate=validate.Length(max=200))
    theme = fields.String(validate=pattern(THEME_PATTERN))
    kind = fields.String(validate=validate.OneOf(RESOURCE_KINDS))
    status = fields.String(validate=validate.OneOf(MODERATION_STATUSES))
    cursor = fields.String(validate=validate.Length(max=200))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ModerationSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("published", "rejected")))
    note = _text(500, load_default="")


class PeerRequestCreateSchema(Schema):
    request_id = fields.String(required=True, validate=REQUEST_ID)  # a re-run with the same id asks once
    title = _text(300, required=True)
    body = _text(5000, load_default="")
    theme = fields.String(allow_none=True, load_default=None, validate=pattern(THEME_PATTERN))
    corridor = fields.String(allow_none=True, load_default=None, validate=CORRIDOR)

    @validates_schema
    def _theme_or_corridor(self, data, **kwargs):
        if not data.get("theme") and not data.get("corridor"):
            raise ValidationError("a request names a theme, a corridor or both", "theme")


class PeerAnswerSchema(Schema):
    request_id = fields.String(required=True, validate=REQUEST_ID)
    body = _text(5000, required=True)


class TargetSchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    cost_pct = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0, max=100))


class BaselineSchema(Schema):
    period = fields.String(required=True, validate=PERIOD)
    cost_pct = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0, max=100))


class MeasureSchema(Schema):
    title = _text(300, required=True)
    start = fields.Date(allow_none=True, load_default=None, metadata={"maxLength": 10})
    end = fields.Date(allow_none=True, load_default=None, metadata={"maxLength": 10})


class PlanSchema(Schema):
    """A member institution's national remittance plan: one per institution, replaced whole."""

    title = _text(300, required=True)
    status = fields.String(load_default="adopted", validate=validate.OneOf(PLAN_STATUSES))
    series = fields.String(load_default="observed", validate=validate.OneOf(("observed", "official", "derived")))
    baseline = fields.Nested(BaselineSchema, required=True)
    targets = fields.List(fields.Nested(TargetSchema), required=True, validate=validate.Length(min=1, max=30))
    corridors = fields.List(fields.String(validate=CORRIDOR), required=True, validate=validate.Length(min=1, max=50))
    measures = fields.List(fields.Nested(MeasureSchema), validate=validate.Length(max=50), load_default=list)
    practice_ids = fields.List(fields.String(validate=SLUG), validate=validate.Length(max=20), load_default=list)

    @validates_schema
    def _one_target_a_year(self, data, **kwargs):
        years = [t["year"] for t in data.get("targets", [])]
        if len(years) != len(set(years)):
            raise ValidationError("one target a year", "targets")


class CorridorSetSchema(Schema):
    name = _text(100, required=True)
    corridors = fields.List(fields.String(validate=CORRIDOR), required=True, validate=validate.Length(min=1, max=100))


class WorkspaceSchema(Schema):
    """What an institution keeps for itself: named corridor sets and watch lists, replaced whole."""

    corridor_sets = fields.List(fields.Nested(CorridorSetSchema), validate=validate.Length(max=50), load_default=list)
    watched_corridors = fields.List(fields.String(validate=CORRIDOR), validate=validate.Length(max=200),
                                    load_default=list)
    watched_countries = fields.List(fields.String(validate=ISO3), validate=validate.Length(max=200),
                                    load_default=list)
    watched_themes = _themes(load_default=list)


def plan_figures(corridor, history):
    """The ``{"corridor", "period", "series", "value"}`` figures a plan's progress is computed from, out of
    ingest's ``corridor_history`` answer for ``corridor`` ("ARE-NPL"): one per published series and quarter."""
    return [{"corridor": corridor, "period": item["period"], "series": series,
             "value": item.get(f"{series}_average_pct")}
            for item in history.get("items", []) for series in ("observed", "official", "derived")
            if item.get(f"{series}_average_pct") is not None]


def acting_principal(by):
    """An RPC's ``by`` validated (None: nobody named, the public or the institution itself)."""
    return None if by is None else validated(PrincipalSchema(), by)


def published_plan_figures(corridors, corridor_history):
    """Every published figure of a plan's ``corridors`` (``plan_figures`` of each); ``corridor_history(source,
    destination)`` is ingest's RPC (a corridor without any figure: none). The gateway and the catalog's tracking
    both read them so."""
    figures = []
    for corridor in corridors:
        try:
            figures += plan_figures(corridor, corridor_history(*corridor.split("-")))
        except NotFound:
            continue
    return figures
