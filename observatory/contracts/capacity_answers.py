"""Capacity building (issue 21): the answers the gateway serves for member
institutions, learning resources, peer-learning requests, plans and the
workspace. The gateway dumps every answer through these, so only the fields
declared here leave it: a focal point's contact is declared, but the catalog
puts it in a view only for the readers the focal point chose."""
from marshmallow import Schema, fields, validate

from observatory.contracts.capacity import ISO3, SLUG
from observatory.vocabulary import (CONTACT_SHARING, INSTITUTION_KINDS, MODERATION_STATUSES, TARGET_PROGRESS,
                                    THEME_PATTERN, pattern)


class MemberAuditEntrySchema(Schema):
    action = fields.String()
    by = fields.String()
    at = fields.String()
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")


class ContactAnswerSchema(Schema):
    email = fields.String()
    phone = fields.String()


class FocalPointAnswerSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    themes = fields.List(fields.String())
    listed = fields.Boolean()
    contact = fields.Nested(ContactAnswerSchema, metadata={
        "description": "only for the readers the focal point chose (share_contact_with)"})
    share_contact_with = fields.String(metadata={"enum": list(CONTACT_SHARING),
                                                 "description": "the institution's own view only"})


class MemberAnswerSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    country = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": list(INSTITUTION_KINDS)})
    created_at = fields.String(allow_none=True)
    focal_points = fields.List(fields.Nested(FocalPointAnswerSchema), required=True)
    audit = fields.List(fields.Nested(MemberAuditEntrySchema),
                        metadata={"description": "operators and the institution"})


class MemberListSchema(Schema):
    items = fields.List(fields.Nested(MemberAnswerSchema), required=True)


class MemberListQuerySchema(Schema):
    country = fields.String(validate=ISO3)


class ResourceAnswerSchema(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String()
    themes = fields.List(fields.String())
    languages = fields.List(fields.String())
    level = fields.String(allow_none=True)
    organiser = fields.String()
    link = fields.String(allow_none=True)
    start = fields.String(allow_none=True)
    end = fields.String(allow_none=True)
    practice_ids = fields.List(fields.String())
    status = fields.String(metadata={"enum": list(MODERATION_STATUSES)})
    proposed_by = fields.String(allow_none=True)
    created_at = fields.String(allow_none=True)
    moderated_at = fields.String(allow_none=True)
    moderation_note = fields.String()
    score = fields.Float()


class ResourceListSchema(Schema):
    items = fields.List(fields.Nested(ResourceAnswerSchema), required=True)
    total = fields.Integer()
    next_cursor = fields.String(allow_none=True)


class PeerAnswerAnswerSchema(Schema):
    id = fields.String(required=True)
    member_id = fields.String(required=True)
    body = fields.String(required=True)
    at = fields.String()
    helpful = fields.Boolean()


class PeerRequestAnswerSchema(Schema):
    id = fields.String(required=True)
    member_id = fields.String(required=True)
    country = fields.String()
    title = fields.String(required=True)
    body = fields.String()
    theme = fields.String(allow_none=True)
    corridor = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": list(MODERATION_STATUSES)})
    moderation_note = fields.String()
    answers = fields.List(fields.Nested(PeerAnswerAnswerSchema))
    created_at = fields.String(allow_none=True)


class PeerRequestListSchema(Schema):
    items = fields.List(fields.Nested(PeerRequestAnswerSchema), required=True)


class PeerRequestQuerySchema(Schema):
    theme = fields.String(validate=pattern(THEME_PATTERN, error="a theme like cost reduction"))
    member_id = fields.String(validate=SLUG)
    status = fields.String(validate=validate.OneOf(MODERATION_STATUSES))


class SuggestedSchema(Schema):
    id = fields.String(required=True)
    title = fields.String()
    score = fields.Float(allow_none=True)
    why = fields.String()


class CorridorCostChangeSchema(Schema):
    """One corridor's cost, first and newest published period of one series (``cost_change.METHOD``)."""
    corridor = fields.String(required=True)
    country = fields.String(required=True)
    series = fields.String(required=True)
    first_period = fields.String(required=True)
    first_pct = fields.Float(required=True)
    newest_period = fields.String(required=True)
    newest_pct = fields.Float(required=True)
    drop_pct_points = fields.Float(required=True)


class CountryCostChangeSchema(Schema):
    country = fields.String(required=True)
    drop_pct_points = fields.Float(required=True, metadata={"description": "mean fall over its receiving corridors"})
    corridors = fields.Integer(required=True)
    best = fields.Nested(CorridorCostChangeSchema, required=True)


class SuggestedMemberStateSchema(Schema):
    """A member state that fits a request: it adopted a suggested practice and/or its corridors improved."""
    country = fields.String(required=True, validate=ISO3)
    institutions = fields.List(fields.String(), required=True)
    adopted = fields.List(fields.String(), required=True)
    cost_change = fields.Nested(CountryCostChangeSchema, allow_none=True)
    why = fields.String(required=True)


class SuggestionsSchema(Schema):
    request_id = fields.String()
    practices = fields.List(fields.Nested(SuggestedSchema), required=True)
    resources = fields.List(fields.Nested(SuggestedSchema), required=True)
    members = fields.List(fields.Nested(SuggestedSchema), required=True)
    member_states = fields.List(fields.Nested(SuggestedMemberStateSchema), required=True)
    method = fields.String(metadata={"description": "how corridor cost changes are computed"})


class TargetProgressSchema(Schema):
    year = fields.Integer(required=True)
    cost_pct = fields.Float(required=True)
    status = fields.String(required=True, metadata={"enum": list(TARGET_PROGRESS)})
    observed_period = fields.String(allow_none=True)
    observed_pct = fields.Float(allow_none=True)
    expected_pct = fields.Float(allow_none=True)


class NewestSchema(Schema):
    period = fields.String()
    cost_pct = fields.Float()


class ProgressSchema(Schema):
    series = fields.String()
    corridors = fields.List(fields.String())
    newest = fields.Nested(NewestSchema, allow_none=True)
    targets = fields.List(fields.Nested(TargetProgressSchema), required=True)


class PlanAnswerSchema(Schema):
    """A plan (public: a commitment) and its progress from the published figures."""

    member_id = fields.String(required=True)
    country = fields.String()
    plan = fields.Dict(required=True, metadata={"description": "the plan as saved (PlanSchema) with updated_at"})
    progress = fields.Nested(ProgressSchema, required=True)


class WorkspaceAuditEntrySchema(MemberAuditEntrySchema):
    export_id = fields.String(metadata={"description": "the scheduled export written, for its entries"})


class WorkspaceAnswerSchema(Schema):
    member_id = fields.String(required=True)
    corridor_sets = fields.List(fields.Dict(), required=True)
    watched_corridors = fields.List(fields.String(), required=True)
    watched_countries = fields.List(fields.String(), required=True)
    watched_themes = fields.List(fields.String(), required=True)
    updated_at = fields.String(allow_none=True)
    plan = fields.Nested(PlanAnswerSchema, allow_none=True)
    requests = fields.List(fields.Nested(PeerRequestAnswerSchema))
    resources = fields.List(fields.Nested(ResourceAnswerSchema), metadata={"description": "its proposals"})
    notifications = fields.List(fields.Dict(), metadata={"description": "its newest alerts"})
    scheduled_exports = fields.List(fields.Dict())
    audit = fields.List(fields.Nested(WorkspaceAuditEntrySchema), metadata={
        "description": "the institution's audit log: who changed its focal points, plan, workspace and scheduled "
                       "exports, when, which fields (deleted exports included), oldest first"})
