"""Peer-learning requests: one call to the catalog each, acting as the caller;
suggestions add the member states whose corridors improved most, from the published figures."""
from gateway.resources.members import acting
from gateway.routes.table import API, Reply
from observatory.analysis import cost_change


def improved_countries(catalog, ingest, asked):
    """The member states' countries ranked by how much their receiving corridors' cost fell
    (``cost_change.countries_improved``) where the request is on a corridor or a cost theme, else []:
    one call to ingest for the figures of every member state's corridors."""
    scope = cost_change.request_scope(asked)
    if scope is None:
        return []
    countries = sorted({m["country"] for m in catalog.list_members(None, None)} - {asked.get("country")})
    if not countries:
        return []
    figures = ingest.analysis_corridor_figures(countries)
    return cost_change.countries_improved(cost_change.corridor_cost_changes(figures, countries, scope["sending"]))


def suggestions(catalog, ingest, asked, by=None):
    """The request's suggestions answer (API and page alike)."""
    found = catalog.request_suggestions(asked["id"], improved_countries(catalog, ingest, asked), by)
    return {"request_id": asked["id"], **found, "method": cost_change.METHOD}


class PeerRequests:
    def __init__(self, catalog, ingest):
        self.catalog = catalog
        self.ingest = ingest

    def list_requests(self, request, call):
        p = call.params
        return {"items": self.catalog.list_requests(p.get("theme"), p.get("member_id"), p.get("status"),
                                                    acting(call.principal))}

    def ask_peers(self, request, call):
        answer = self.catalog.ask_peers(call.body, acting(call.principal))
        return Reply(answer, headers={"Location": f"{API}/requests/{answer['id']}"})

    def get_request(self, request, call):
        return self.catalog.get_request(call.path["request_id"], acting(call.principal))

    def request_suggestions(self, request, call):
        by = acting(call.principal)
        return suggestions(self.catalog, self.ingest, self.catalog.get_request(call.path["request_id"], by), by)

    def moderate_request(self, request, call):
        return self.catalog.moderate_request(call.path["request_id"], call.body, acting(call.principal))

    def answer_request(self, request, call):
        return self.catalog.answer_request(call.path["request_id"], call.body, acting(call.principal))

    def mark_answer_helpful(self, request, call):
        return self.catalog.mark_answer_helpful(call.path["request_id"], call.path["answer_id"],
                                                acting(call.principal))
