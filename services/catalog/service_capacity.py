"""The catalog's capacity-building RPCs (issue 21), mixed into ``CatalogService``.
Each validates its input with the shared contract (``observatory.contracts.capacity``)
and its acting principal ``by={"role", "member_id"}``; logic lives in the plain modules.
A mixin because nameko finds entrypoints only as methods of the service class; it uses
the ``store``, ``outbox`` and ``ingest`` that ``CatalogService`` declares."""
from observatory.contracts.capacity import (
    FocalPointEditSchema,
    FocalPointSchema,
    MemberCreateSchema,
    ModerationSchema,
    PeerAnswerSchema,
    PeerRequestCreateSchema,
    PlanSchema,
    acting_principal as principal,
    ResourceCreateSchema,
    ResourceQuerySchema,
    WorkspaceSchema,
)
from observatory.errors import validated
from observatory.events import parse_event
from observatory.reliable_events import reliable_event_handler
from observatory.replicated import rpc
from services.catalog import members, peer_requests, plan_tracking, plans, resources, workspace


class CapacityRpcs:
    # -- member institutions and focal points ------------------------------------
    @rpc
    def register_member(self, request, by):
        doc = members.register(self.store, validated(MemberCreateSchema(), request), principal(by))
        return members.own_view(doc)

    @rpc
    def get_member(self, member_id, by=None):
        return members.view_for(members.get_member(self.store, str(member_id)), principal(by))

    @rpc
    def list_members(self, country=None, by=None):
        return [members.view_for(m, principal(by)) for m in self.store.capacity.all_members(country)]

    @rpc
    def add_focal_point(self, member_id, request, by):
        return members.add_focal_point(self.store, str(member_id), validated(FocalPointSchema(), request),
                                       principal(by))

    @rpc
    def edit_focal_point(self, member_id, point_id, changes, by):
        return members.edit_focal_point(self.store, str(member_id), str(point_id),
                                        validated(FocalPointEditSchema(), changes), principal(by))

    # -- learning resources --------------------------------------------------------
    @rpc
    def create_resource(self, request, by):
        return resources.view(resources.create(self.store, validated(ResourceCreateSchema(), request),
                                               principal(by)))

    @rpc
    def moderate_resource(self, resource_id, decision, by):
        return resources.view(resources.moderate(self.store, str(resource_id),
                                                 validated(ModerationSchema(), decision), principal(by)))

    @rpc
    def get_resource(self, resource_id, by=None):
        return resources.view(resources.get_resource(self.store, str(resource_id), principal(by)))

    @rpc
    def list_resources(self, params, by=None):
        return resources.search(self.store, **validated(ResourceQuerySchema(), params), by=principal(by))

    @rpc
    def member_resources(self, member_id, by):
        """The resources an institution proposed (its submissions), any status."""
        return resources.proposals_of(self.store, str(member_id), principal(by))

    @rpc
    def resource_calendar(self):
        return resources.calendar_events(self.store.capacity.resources_matching(status="published"))

    # -- peer-learning requests ----------------------------------------------------
    @rpc
    def ask_peers(self, request, by):
        return peer_requests.view(peer_requests.ask(self.store, validated(PeerRequestCreateSchema(), request),
                                                    principal(by)))

    @rpc
    def moderate_request(self, request_id, decision, by):
        doc = peer_requests.moderate(self.store, str(request_id), validated(ModerationSchema(), decision),
                                     principal(by))
        self.outbox.flush_all()  # flush(PeerRequest, id) reads mongoengine's connection, which the store does not make
        return peer_requests.view(doc)

    @rpc
    def get_request(self, request_id, by=None):
        return peer_requests.view(peer_requests.get_request(self.store, str(request_id), principal(by)))

    @rpc
    def answer_request(self, request_id, reply, by):
        return peer_requests.view(peer_requests.answer(self.store, str(request_id),
                                                       validated(PeerAnswerSchema(), reply), principal(by)))

    @rpc
    def mark_answer_helpful(self, request_id, answer_id, by):
        return peer_requests.view(peer_requests.mark_helpful(self.store, str(request_id), str(answer_id),
                                                             principal(by)))

    @rpc
    def list_requests(self, theme=None, member_id=None, status=None, by=None):
        return peer_requests.listed(self.store, theme, member_id, status, principal(by))

    @rpc
    def request_suggestions(self, request_id, improved_countries=(), by=None):
        """``improved_countries``: ``observatory.analysis.cost_change.countries_improved`` of the published figures."""
        return peer_requests.suggestions_for(self.store, str(request_id), list(improved_countries), principal(by))

    # -- national plans and the workspace -------------------------------------------
    @rpc
    def save_plan(self, member_id, plan, by):
        return plans.save_plan(self.store, str(member_id), validated(PlanSchema(), plan), principal(by))

    @rpc
    def get_plan(self, member_id):
        return plans.get_plan(self.store, str(member_id))

    @rpc
    def plan_progress(self, member_id, figures):
        """``figures``: the published ``{"corridor", "period", "series", "value"}`` of the plan's corridors."""
        return plans.progress_of(self.store, str(member_id), list(figures))

    @rpc
    def track_plan(self, member_id, figures):
        """Record where a just-saved plan stands on the published ``figures`` (no alert); its progress."""
        return plan_tracking.track(self.store, str(member_id), list(figures))

    @reliable_event_handler("ingest", "dataset.published")
    def on_dataset_published_for_plans(self, payload):
        """A publication of corridor figures: every plan's progress again, targets met or slipped announced."""
        written = plan_tracking.on_dataset_published(self.store, parse_event(payload), self.ingest.corridor_history)
        if written:
            self.outbox.flush_all()

    @rpc
    def get_workspace(self, member_id, by):
        return workspace.get_workspace(self.store, str(member_id), principal(by))

    @rpc
    def save_workspace(self, member_id, request, by):
        return workspace.save_workspace(self.store, str(member_id), validated(WorkspaceSchema(), request),
                                        principal(by))
