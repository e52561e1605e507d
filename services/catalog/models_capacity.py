"""What the catalog keeps for capacity building (issue 21): member
institutions with their focal points, learning resources, peer-learning
requests, national remittance plans and workspaces. Fields are declared here;
queries and updates are in ``services.catalog.store_capacity``. Each document
holds its own ``audit`` (who, when, what), as a provider does, so a change and
its record are one write."""
from mongoengine import DateTimeField, DictField, IntField, ListField, StringField

from observatory.idempotency import IdempotentDocument, OutboxDocument
from observatory.vocabulary import INSTITUTION_KINDS, MODERATION_STATUSES
from services.catalog.models import STORE_ALIAS


class MemberInstitution(IdempotentDocument):
    """A member state's ministry, central bank, statistics office or regulator;
    ``focal_points`` are its people (contact details kept, shown as they chose)."""

    meta = {"db_alias": STORE_ALIAS, "collection": "member_institutions"}

    id = StringField(primary_key=True)
    name = StringField(required=True)
    country = StringField(required=True)
    kind = StringField(choices=INSTITUTION_KINDS)
    focal_points = ListField(DictField())
    plan = DictField()  # its national remittance plan, replaced whole
    workspace = DictField()  # its saved corridor sets and watch lists
    version = IntField(default=1)
    created_at = DateTimeField()
    audit = ListField(DictField())


class LearningResource(IdempotentDocument):
    """A guide, course, toolkit, workshop or webinar; word indexes as a practice's."""

    meta = {"db_alias": STORE_ALIAS, "collection": "learning_resources"}

    id = StringField(primary_key=True)
    kind = StringField(required=True)
    title = StringField(required=True)
    summary = StringField()
    themes = ListField(StringField())
    languages = ListField(StringField())
    level = StringField()
    organiser = StringField()
    link = StringField()
    start = DateTimeField()
    end = DateTimeField()
    practice_ids = ListField(StringField())
    status = StringField(choices=MODERATION_STATUSES)
    proposed_by = StringField()  # the member institution, for a proposal
    terms = ListField(StringField())
    title_terms = ListField(StringField())
    summary_terms = ListField(StringField())
    body_terms = ListField(StringField())
    audit = ListField(DictField())


class PeerRequest(OutboxDocument):
    """A member institution's question on a theme or a corridor, its answers
    (one marked helpful by the asker) and its ``request.published`` pending."""

    meta = {"db_alias": STORE_ALIAS, "collection": "peer_requests"}

    id = StringField(primary_key=True)  # from the asker and its request id: a re-run asks once
    member_id = StringField(required=True)
    country = StringField()
    title = StringField(required=True)
    body = StringField()
    theme = StringField()
    corridor = StringField()
    status = StringField(choices=MODERATION_STATUSES)
    answers = ListField(DictField())
    audit = ListField(DictField())
    created_at = DateTimeField()


class PlanTracking(OutboxDocument):
    """Where a member institution's plan stood on the figures last published
    (``progress``), kept to tell what the next publication changed; its
    ``plan.target.changed`` events wait in its outbox. One per institution."""

    meta = {"db_alias": STORE_ALIAS, "collection": "plan_tracking"}

    id = StringField(primary_key=True)  # the member id
    progress = DictField()
    updated_at = DateTimeField()
