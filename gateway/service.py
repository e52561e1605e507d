"""The gateway's nameko class: the handlers of the routes declared in
``gateway.routes`` (which wires them as HTTP entrypoints that check the role
and validate query and body first), composition over RPC, and the read model.

Handlers stay thin: take the validated ``Call``, call a service or a plain
function, shape the answer. Errors are mapped in gateway.exceptions.
"""
from nameko.dependency_providers import Config
from nameko.timer import timer

from werkzeug.wrappers import Response

from gateway import openapi
from gateway.catalog_handlers import CatalogHandlers
from gateway.export_handlers import ExportHandlers
from gateway.page_handlers import PageHandlers
from gateway.release_handlers import ReleaseHandlers
from gateway.notify_handlers import NotifyHandlers
from gateway.credentials import list_credentials, mint_credential, revoke_credential
from gateway.dependencies import Authenticator, DeadLetterAdmin
from gateway.exceptions import RouteNotFound
from gateway.composition import with_catalog_extras, with_country_extras
from gateway.health import check_services
from gateway.http import cached_json_response, http
from gateway.models import STORE_ALIAS
from gateway.ratelimit import RateLimiter
from gateway.readmodel import CACHE_CONTROL, ReadModel
from gateway.routes import ROUTES, wire
from gateway.routes.table import API, Reply
from gateway.paths import dataset_id_from_path, iso3_from_path
from gateway.uploads import DEFAULT_MAX_UPLOAD_BYTES, send_in_chunks, upload_stream
from observatory.contracts.events import one_of_a_batch
from observatory.deadlines import DeadlineRpcProxy
from observatory.health import store_health
from observatory.mongo import MongoStore
from observatory.replicated import broadcast_handler

PUBLISH_DEADLINE_SECONDS = 60  # publishing a whole dataset writes one state per period
REBUILD_RETRY_SECONDS = 5


def event_data(payload):
    data = payload.get("data") if isinstance(payload, dict) else None
    return data if isinstance(data, dict) else {}


class GatewayService(CatalogHandlers, NotifyHandlers, ExportHandlers, ReleaseHandlers, PageHandlers):
    name = "gateway"

    store = MongoStore(STORE_ALIAS, "observatory_gateway")
    config = Config()
    auth = Authenticator()
    dead_letters = DeadLetterAdmin()
    reads = ReadModel()
    rate_limits = RateLimiter()
    ingest = DeadlineRpcProxy("ingest")
    catalog = DeadlineRpcProxy("catalog")
    notify = DeadlineRpcProxy("notify")

    @broadcast_handler("ingest", "dataset.published")
    def on_dataset_published(self, payload):
        """Every gateway instance replaces its published views (the old ones
        are served until the new ones are built)."""
        data = event_data(payload)
        self.reads.replace(self, data.get("dataset_id"), wait=False, once=not data.get("republished"))

    # Corridor and country answers name providers and practices. One import's
    # firms are one ``providers.changed``: their own events do not each rebuild.
    @broadcast_handler("catalog", "providers.changed")
    def on_providers_changed(self, payload):
        self.reads.replace(self, wait=False)

    @broadcast_handler("catalog", "provider.registered")
    def on_provider_registered(self, payload):
        if not one_of_a_batch("provider.registered", event_data(payload)):
            self.reads.replace(self, wait=False)

    @broadcast_handler("catalog", "provider.updated")
    def on_provider_updated(self, payload):
        if not one_of_a_batch("provider.updated", event_data(payload)):
            self.reads.replace(self, wait=False)

    @broadcast_handler("catalog", "practice.published")
    def on_practice_published(self, payload):
        self.reads.replace(self, wait=False)

    @timer(REBUILD_RETRY_SECONDS)
    def retry_release(self):
        """A rebuild that met a deadline is tried again (the old views are served meanwhile)."""
        if self.reads.behind():
            self.reads.catch_up(self, wait=False)

    # Anything else under the API is a JSON 404, not werkzeug's HTML page.
    @http("GET,POST,PUT,PATCH,DELETE", f"{API}/<path:path>")
    def unknown_route(self, request, path):
        raise RouteNotFound(f"no such endpoint: {request.method} {request.path}")

    # -- platform -----------------------------------------------------------
    def health(self, request, call):
        all_ok, services = check_services({"ingest": self.ingest, "catalog": self.catalog, "notify": self.notify})
        services = {"gateway": {"status": "ok", **store_health(STORE_ALIAS)}, **services}
        return Reply({"status": "ok" if all_ok else "degraded", "services": services}, 200 if all_ok else 503)

    def openapi(self, request, call):
        return Response(openapi.spec_json(ROUTES), mimetype="application/json",
                        headers={"Cache-Control": "public, max-age=3600"})

    def docs(self, request, call):
        return Response(openapi.DOCS_PAGE, mimetype="text/html")

    def docs_script(self, request, call):
        return Response(openapi.redoc_script(), mimetype="application/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    def api_index(self, request, call):
        return {"name": "Remittances Observatory API", "version": "v1", "links": {
            route.handler: route.path for route in ROUTES if route.method == "GET" and not route.roles}}

    # -- credentials --------------------------------------------------------
    def whoami(self, request, call):
        return call.principal

    def create_credential(self, request, call):
        wanted = call.body
        subject = wanted.get("provider_id") or wanted.get("subscriber_id")
        if wanted.get("provider_id"):
            subject = self.catalog.get_provider(subject)["id"]  # 404 for an entry that does not exist
        if wanted.get("subscriber_id"):
            subject = self.notify.get_subscriber(subject)["id"]
        credential, token = mint_credential(wanted["role"], subject, wanted.get("label"),
                                            created_by=call.principal.credential_id or "operator")
        credential.token = token  # shown in this answer only; never stored
        return Reply(credential, headers={"Location": f"{API}/credentials/{credential.id}",
                                          "Cache-Control": "no-store"})

    def list_credentials(self, request, call):
        return {"items": list_credentials(call.params.get("role"))}

    def revoke_credential(self, request, call):
        return revoke_credential(call.path["credential_id"])

    # -- datasets -------------------------------------------------------------
    def upload_dataset(self, request, call):
        limit = int(self.config.get("MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD_BYTES)
        stream, filename = upload_stream(request, limit)
        answer = send_in_chunks(self.ingest, stream, limit, call.params["kind"], filename, call.params.get("year"))
        return Reply(answer, 200 if answer["duplicate"] else 202, {"Location": f"{API}/datasets/{answer['id']}"})

    def list_datasets(self, request, call):
        return self.ingest.list_datasets(**call.params)

    def get_dataset(self, request, call):
        answer = self.ingest.get_dataset(dataset_id_from_path(call.path["dataset_id"]), **call.params)
        self.reads.saw_dataset(answer, self)
        return answer

    def publish_dataset(self, request, call):
        answer = self.ingest.with_deadline(PUBLISH_DEADLINE_SECONDS).publish_dataset(
            dataset_id_from_path(call.path["dataset_id"]), call.principal.credential_id or "operator")
        self.reads.replace(self, answer["id"])
        return answer

    def reject_dataset(self, request, call):
        return self.ingest.reject_dataset(dataset_id_from_path(call.path["dataset_id"]), call.principal.credential_id or "operator")

    # -- published data (no token needed) ----------------------------------
    def _published(self, request, call, key, compute, dumped=False):
        """A published read: from the read model; on a miss, ``compute(self)``
        and dump it through the route's response schema (unless it did so
        itself). ``compute`` takes the worker: the read model calls it again,
        from another worker, to rebuild the view for a new release."""
        dump = call.response_schema.dump
        body, etag, _ = self.reads.read(key, compute if dumped else lambda sources: dump(compute(sources)), self)
        return cached_json_response(request, body, etag, CACHE_CONTROL)

    def list_corridors(self, request, call):
        query = call.params
        return self._published(request, call, ("corridors", tuple(sorted(query.items()))),
                               lambda s: s.ingest.list_corridors(**query))

    def corridor(self, request, call):
        source, destination = iso3_from_path(call.path["source"]), iso3_from_path(call.path["destination"])
        period, dump = call.params.get("period"), call.response_schema.dump
        return self._published(request, call, ("corridor", source, destination, period),
                               lambda s: with_catalog_extras(s.ingest.corridor(source, destination, period),
                                                             s.catalog, dump, period is None),
                               dumped=True)

    def corridor_history(self, request, call):
        source, destination = iso3_from_path(call.path["source"]), iso3_from_path(call.path["destination"])
        return self._published(request, call, ("history", source, destination),
                               lambda s: s.ingest.corridor_history(source, destination))

    def indicators(self, request, call):
        period = call.params.get("period")
        return self._published(request, call, ("indicators", period), lambda s: s.ingest.indicators(period))

    def country(self, request, call):
        iso3, dump = iso3_from_path(call.path["iso3"]), call.response_schema.dump
        return self._published(request, call, ("country", iso3),
                               lambda s: with_country_extras(s.ingest.country_profile(iso3), s.catalog, iso3, dump),
                               dumped=True)

    # -- operations ---------------------------------------------------------
    def list_dead_letters(self, request, call):
        return {"items": self.dead_letters.list(call.params["limit"])}

    def replay_dead_letters(self, request, call):
        ids = [str(i) for i in call.body.get("event_ids", [])] or None
        return {"replayed": self.dead_letters.replay(ids)}


wire(GatewayService, ROUTES)
