"""Health, the API's index and its description (OpenAPI, Redoc)."""
from werkzeug.wrappers import Response

from gateway import openapi
from gateway.health import check_services
from gateway.routes.table import Reply
from gateway.store import STORE_ALIAS
from observatory.health import store_health


class Platform:
    def __init__(self, services, routes):
        self.services = services  # name -> deadline RPC proxy, each pinged by /health
        self.routes = routes

    def health(self, request, call):
        all_ok, services = check_services(self.services)
        services = {"gateway": {"status": "ok", **store_health(STORE_ALIAS)}, **services}
        return Reply({"status": "ok" if all_ok else "degraded", "services": services}, 200 if all_ok else 503)

    def openapi(self, request, call):
        return Response(openapi.spec_json(self.routes), mimetype="application/json",
                        headers={"Cache-Control": "public, max-age=3600"})

    def docs(self, request, call):
        return Response(openapi.DOCS_PAGE, mimetype="text/html")

    def docs_script(self, request, call):
        return Response(openapi.redoc_script(), mimetype="application/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    def api_index(self, request, call):
        return {"name": "Remittances Observatory API", "version": "v1", "links": {
            route.handler: route.path for route in self.routes if route.method == "GET" and not route.roles}}
