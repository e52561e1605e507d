"""The capacity-building pages: rendered from the public answers at each
request (these entries change without events, so they are not kept in the
read model), with ``Cache-Control: no-cache``."""
from werkzeug.wrappers import Response

from gateway import capacity_pages as pages
from gateway.paths import iso3_from_path
from gateway.resources.plans import plan_answer
from gateway.resources.requests import suggestions

HTML = "text/html"


def _html(body):
    return Response(body, mimetype=HTML, headers={"Cache-Control": "no-cache"})


class CapacityPages:
    def __init__(self, catalog, ingest):
        self.catalog = catalog
        self.ingest = ingest

    def page_resources(self, request, call):
        query = dict(call.params)
        return _html(pages.resource_library(self.catalog.list_resources(query, None), query))

    def page_resource(self, request, call):
        return _html(pages.resource(self.catalog.get_resource(call.path["resource_id"], None)))

    def page_requests(self, request, call):
        query = dict(call.params)
        return _html(pages.request_list(self.catalog.list_requests(query.get("theme"), None, None, None), query))

    def page_request(self, request, call):
        entry = self.catalog.get_request(call.path["request_id"], None)
        return _html(pages.peer_request(entry, suggestions(self.catalog, self.ingest, entry)))

    def page_member(self, request, call):
        return _html(pages.member(self.catalog.get_member(call.path["member_id"], None)))

    def page_country_plans(self, request, call):
        iso3 = iso3_from_path(call.path["iso3"])
        answers = [plan_answer(self.catalog, self.ingest, m["id"]) for m in self.catalog.list_members(iso3, None)]
        return _html(pages.country_plans(iso3, [a for a in answers if a]))

    def page_workspace(self, request, call):
        return _html(pages.workspace())
