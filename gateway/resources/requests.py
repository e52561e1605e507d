"""Peer-learning requests: one call to the catalog each, acting as the caller;
suggestions add the corridors that improved most, from the published figures."""
from gateway.resources.members import acting
from gateway.routes.table import API, Reply
from observatory.errors import NotFound

MAX_CORRIDORS = 20  # histories read for one request's suggestions


def improvement(history):
    """How far a corridor's headline cost fell from its first published quarter to its latest (pp), or None."""
    values = [i["average_total_cost_pct"] for i in history.get("items", []) if i.get("average_total_cost_pct")
              is not None]
    return round(values[0] - values[-1], 4) if len(values) > 1 else None


def corridor_improvements(ingest, corridor):
    """``{"country", "corridor", "drop_pct_points"}`` for the corridors sharing the request's sending or
    receiving country (the receiving country is credited): the catalog ranks member states by them."""
    if not corridor:
        return []
    source, destination = corridor.split("-")
    listed = {}
    for query in ({"source": source}, {"destination": destination}):
        for item in ingest.list_corridors(None, query.get("source"), query.get("destination"), None, 200)["items"]:
            listed[f"{item['source']}-{item['destination']}"] = item["destination"]
    rows = []
    for key in sorted(listed)[:MAX_CORRIDORS]:
        try:
            drop = improvement(ingest.corridor_history(*key.split("-")))
        except NotFound:
            continue
        if drop is not None:
            rows.append({"country": listed[key], "corridor": key, "drop_pct_points": drop})
    return rows


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
        asked = self.catalog.get_request(call.path["request_id"], by)
        found = self.catalog.request_suggestions(asked["id"], corridor_improvements(self.ingest, asked["corridor"]),
                                                 by)
        return {"request_id": asked["id"], **found}

    def moderate_request(self, request, call):
        return self.catalog.moderate_request(call.path["request_id"], call.body, acting(call.principal))

    def answer_request(self, request, call):
        return self.catalog.answer_request(call.path["request_id"], call.body, acting(call.principal))

    def mark_answer_helpful(self, request, call):
        return self.catalog.mark_answer_helpful(call.path["request_id"], call.path["answer_id"],
                                                acting(call.principal))
