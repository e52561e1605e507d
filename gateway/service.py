"""The gateway's nameko class, and the one place its parts are wired: each
request's resource (``gateway.resources``) gets its collaborators here, from
the worker's dependencies; the routes (``gateway.routes``) become HTTP
entrypoints that check the role and validate query and body first. The
services' events drive the read model; nothing else refreshes it.
"""
from nameko.dependency_providers import Config
from nameko.timer import timer

from gateway import analysis_inputs
from gateway.dependencies import Authenticator, DeadLetterAdmin
from gateway.exceptions import RouteNotFound
from gateway.http import http
from gateway.ratelimit import RateLimiter
from gateway.readmodel import ReadModel
from gateway.resources.alerts import Alerts
from gateway.resources.analysis import Analysis
from gateway.resources.credentials import Credentials
from gateway.resources.datasets import Datasets
from gateway.resources.exports import Exports
from gateway.resources.operations import Operations
from gateway.resources.pages import Pages
from gateway.resources.platform import Platform
from gateway.resources.practices import Practices
from gateway.resources.providers import Providers
from gateway.resources.published import PublishedFigures
from gateway.resources.releases import Releases
from gateway.resources.submissions import Submissions
from gateway.resources.sdmx import Sdmx
from gateway.resources.views import Sources, Views
from gateway.resources.capacity_pages import CapacityPages
from gateway.resources.learning import Learning
from gateway.resources.members import Members
from gateway.resources.plans import Plans
from gateway.resources.requests import PeerRequests
from gateway.resources.workspace import Workspace
from gateway.routes import ROUTES, wire
from gateway.routes.table import API
from gateway.store import DB_NAME, STORE_ALIAS, GatewayStore
from observatory.deadlines import DeadlineRpcProxy
from observatory.mongo import MongoStore
from observatory.replicated import broadcast_handler

REBUILD_RETRY_SECONDS = 5


def event_data(payload):
    data = payload.get("data") if isinstance(payload, dict) else None
    return data if isinstance(data, dict) else {}


def _sources(worker):
    return Sources(worker.ingest, worker.catalog)


def _views(worker):
    return Views(worker.reads, _sources(worker))


# How each resource is built from a worker: its collaborators, named.
WIRING = {
    Platform: lambda w: Platform({"ingest": w.ingest, "catalog": w.catalog, "notify": w.notify}, ROUTES),
    Credentials: lambda w: Credentials(w.store, w.catalog, w.notify, ingest=w.ingest),  # reporters are ingest's
    Datasets: lambda w: Datasets(w.ingest, w.reads, w.config.get("MAX_UPLOAD_BYTES")),
    PublishedFigures: lambda w: PublishedFigures(_views(w)),
    Providers: lambda w: Providers(w.catalog, w.reads),
    Practices: lambda w: Practices(w.catalog, w.reads, w.auth, _sources(w)),
    Alerts: lambda w: Alerts(w.notify),
    Exports: lambda w: Exports(_views(w)),
    Releases: lambda w: Releases(w.ingest),
    Pages: lambda w: Pages(_views(w)),
    Operations: lambda w: Operations(w.dead_letters),
    Members: lambda w: Members(w.catalog),
    Learning: lambda w: Learning(w.catalog),
    PeerRequests: lambda w: PeerRequests(w.catalog, w.ingest),
    Plans: lambda w: Plans(w.catalog, w.ingest),
    Workspace: lambda w: Workspace(w.catalog, w.ingest, w.notify),
    CapacityPages: lambda w: CapacityPages(w.catalog, w.ingest),
    Submissions: lambda w: Submissions(w.ingest, w.reads, _views(w)),
    Analysis: lambda w: Analysis(_views(w), w.config.get("PUBLIC_BASE_URL")),
    Sdmx: lambda w: Sdmx(_views(w), _sources(w)),
}


class GatewayService:
    name = "gateway"

    store = MongoStore(STORE_ALIAS, DB_NAME, adapter=GatewayStore)
    config = Config()
    auth = Authenticator(store_attribute="store")
    dead_letters = DeadLetterAdmin()
    reads = ReadModel()
    rate_limits = RateLimiter()
    ingest = DeadlineRpcProxy("ingest")
    catalog = DeadlineRpcProxy("catalog")
    notify = DeadlineRpcProxy("notify")

    def resource(self, resource_cls):
        return WIRING[resource_cls](self)

    # Every gateway instance rebuilds its published views after a change (the
    # old ones are served until the new ones are built). Corridor and country
    # answers name providers and practices; one import's firms are one
    # ``providers.changed`` (gateway.changes decides what each event announces).
    @broadcast_handler("ingest", "dataset.published")
    def on_dataset_published(self, payload):
        # Announced first (it does not wait for the rebuild): an operator's publish answer waits for it.
        self.reads.on_event("dataset.published", event_data(payload), _sources(self))
        analysis_inputs.prefetch(self.ingest)  # the analysis' inputs of the new release, fetched once

    @broadcast_handler("catalog", "providers.changed")
    def on_providers_changed(self, payload):
        self.reads.on_event("providers.changed", event_data(payload), _sources(self))

    @broadcast_handler("catalog", "provider.registered")
    def on_provider_registered(self, payload):
        self.reads.on_event("provider.registered", event_data(payload), _sources(self))

    @broadcast_handler("catalog", "provider.updated")
    def on_provider_updated(self, payload):
        self.reads.on_event("provider.updated", event_data(payload), _sources(self))

    @broadcast_handler("catalog", "practice.published")
    def on_practice_published(self, payload):
        self.reads.on_event("practice.published", event_data(payload), _sources(self))

    @broadcast_handler("catalog", "practice.updated")
    def on_practice_updated(self, payload):
        self.reads.on_event("practice.updated", event_data(payload), _sources(self))

    # National submissions: a publication changes the country answers, exports and SDMX; an embargo the
    # release calendar.
    @broadcast_handler("ingest", "national.published")
    def on_national_published(self, payload):
        self.reads.on_event("national.published", event_data(payload), _sources(self))

    @broadcast_handler("ingest", "national.embargoed")
    def on_national_embargoed(self, payload):
        self.reads.on_event("national.embargoed", event_data(payload), _sources(self))

    @timer(REBUILD_RETRY_SECONDS)
    def retry_release(self):
        """A rebuild that met a deadline is tried again (the old views are served meanwhile)."""
        if self.reads.behind():
            self.reads.catch_up(_sources(self), wait=False)

    # Anything else under the API is a JSON 404, not werkzeug's HTML page.
    @http("GET,POST,PUT,PATCH,DELETE", f"{API}/<path:path>")
    def unknown_route(self, request, path):
        raise RouteNotFound(f"no such endpoint: {request.method} {request.path}")

    # An unknown SDMX path is a 404 too (without this, the preflight's OPTIONS /sdmx/<path> made it a 405).
    @http("GET", "/sdmx/<path:path>")
    def unknown_sdmx_route(self, request, path):
        raise RouteNotFound(f"no such SDMX resource: {request.path}")


wire(GatewayService, ROUTES, tuple(WIRING))
