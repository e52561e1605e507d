"""The gateway's nameko class: routes, authentication, composition over RPC.

Handlers stay thin: authenticate, validate with a schema, call a service or a
plain function, shape the answer. Errors are mapped in gateway.exceptions.
"""
from marshmallow import ValidationError
from nameko.dependency_providers import Config
from nameko.events import BROADCAST, event_handler

from gateway.auth import OPERATOR, PROVIDER, SUBSCRIBER
from gateway.credentials import list_credentials, mint_credential, revoke_credential
from gateway.dependencies import Authenticator, DeadLetterAdmin
from gateway.exceptions import RouteNotFound
from gateway.health import check_services
from gateway.http import cached_json_response, http, json_response, read_json, read_query
from gateway.readmodel import CACHE_CONTROL, ReadModel
from gateway.models import STORE_ALIAS
from gateway.schemas import (
    ISO3,
    CorridorListQuerySchema,
    CredentialListQuerySchema,
    CredentialRequestSchema,
    CredentialSchema,
    DatasetListQuerySchema,
    DatasetId,
    DatasetQuerySchema,
    DeadLetterQuerySchema,
    NoQuerySchema,
    PeriodQuerySchema,
    PrincipalSchema,
    ReplayRequestSchema,
    UploadQuerySchema,
)
from gateway.uploads import DEFAULT_MAX_UPLOAD_BYTES, send_in_chunks, upload_stream
from observatory.contracts.answers import (
    CorridorListSchema,
    CorridorSchema,
    CountryProfileSchema,
    HistorySchema,
    IndicatorsSchema,
)
from observatory.deadlines import DeadlineRpcProxy
from observatory.mongo import MongoStore

API = "/api/v1"
PUBLISH_DEADLINE_SECONDS = 60  # publishing a whole dataset writes one state per period


def _iso3(value):
    """A country code from the path, upper-cased; 400 when it is not ISO3-shaped."""
    try:
        return ISO3(value.upper())
    except ValidationError as exc:
        raise ValidationError({"country": exc.messages}) from None


def _dataset_id(value):
    try:
        return DatasetId(value)
    except ValidationError as exc:
        raise ValidationError({"id": exc.messages}) from None


class GatewayService:
    name = "gateway"

    store = MongoStore(STORE_ALIAS, "observatory_gateway")
    config = Config()
    auth = Authenticator()
    dead_letters = DeadLetterAdmin()
    reads = ReadModel()
    ingest = DeadlineRpcProxy("ingest")
    catalog = DeadlineRpcProxy("catalog")
    notify = DeadlineRpcProxy("notify")

    # -- platform -----------------------------------------------------------
    @http("GET", API)
    def api_index(self, request):
        """What the API offers; answered by the gateway alone (no RPC)."""
        read_query(request, NoQuerySchema())
        return json_response({"name": "Remittances Observatory API", "version": "v1", "links": {
            "health": "/health", "indicators": f"{API}/indicators", "corridors": f"{API}/corridors",
            "corridor": f"{API}/corridors/{{source}}/{{destination}}",
            "corridor_history": f"{API}/corridors/{{source}}/{{destination}}/history",
            "country": f"{API}/countries/{{iso3}}", "datasets": f"{API}/datasets"}})

    @event_handler("ingest", "dataset.published", handler_type=BROADCAST, reliable_delivery=False)
    def on_dataset_published(self, payload):
        """Every gateway instance drops its cached published reads."""
        data = payload.get("data") if isinstance(payload, dict) else None
        self.reads.invalidate((data or {}).get("dataset_id"))

    def _published(self, request, key, schema, compute):
        """A published read: from the read model, dumped through its answer schema."""
        body, etag, _ = self.reads.read(key, lambda: schema.dump(compute()))
        return cached_json_response(request, body, etag, CACHE_CONTROL)

    @http("GET", "/health")
    def health(self, request):
        read_query(request, NoQuerySchema())
        all_ok, services = check_services({"ingest": self.ingest, "catalog": self.catalog, "notify": self.notify})
        services = {"gateway": {"status": "ok"}, **services}
        return json_response({"status": "ok" if all_ok else "degraded", "services": services},
                             200 if all_ok else 503)

    # -- credentials --------------------------------------------------------
    @http("GET", f"{API}/me")
    def whoami(self, request):
        principal = self.auth.require(request, OPERATOR, PROVIDER, SUBSCRIBER)
        read_query(request, NoQuerySchema())
        return json_response(PrincipalSchema().dump(principal))

    @http("POST", f"{API}/credentials")
    def create_credential(self, request):
        operator = self.auth.require(request, OPERATOR)
        read_query(request, NoQuerySchema())
        wanted = read_json(request, CredentialRequestSchema())
        subject = wanted.get("provider_id") or wanted.get("subscriber_id")
        credential, token = mint_credential(wanted["role"], subject, wanted.get("label"),
                                            created_by=operator.credential_id or "operator")
        body = dict(CredentialSchema().dump(credential), token=token)
        return json_response(body, 201, {"Location": f"{API}/credentials/{credential.id}",
                                         "Cache-Control": "no-store"})

    @http("GET", f"{API}/credentials")
    def get_credentials(self, request):
        self.auth.require(request, OPERATOR)
        role = read_query(request, CredentialListQuerySchema()).get("role")
        return json_response({"items": CredentialSchema(many=True).dump(list_credentials(role))})

    @http("DELETE", f"{API}/credentials/<credential_id>")
    def delete_credential(self, request, credential_id):
        self.auth.require(request, OPERATOR)
        read_query(request, NoQuerySchema())
        return json_response(CredentialSchema().dump(revoke_credential(credential_id)))

    # -- datasets -------------------------------------------------------------
    @http("POST", f"{API}/datasets")
    def upload_dataset(self, request):
        self.auth.require(request, OPERATOR)
        options = read_query(request, UploadQuerySchema())
        limit = int(self.config.get("MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD_BYTES)
        stream, filename = upload_stream(request, limit)
        answer = send_in_chunks(self.ingest, stream, limit, options["kind"], filename, options.get("year"))
        body = {"id": answer["id"], "status": answer["status"], "duplicate": answer["duplicate"]}
        return json_response(body, 200 if answer["duplicate"] else 202,
                             {"Location": f"{API}/datasets/{answer['id']}"})

    @http("GET", f"{API}/datasets")
    def list_datasets(self, request):
        self.auth.require(request, OPERATOR)
        return json_response(self.ingest.list_datasets(**read_query(request, DatasetListQuerySchema())))

    @http("GET", f"{API}/datasets/<dataset_id>")
    def get_dataset(self, request, dataset_id):
        self.auth.require(request, OPERATOR)
        answer = self.ingest.get_dataset(_dataset_id(dataset_id), **read_query(request, DatasetQuerySchema()))
        self.reads.saw_dataset(answer)
        return json_response(answer)

    @http("POST", f"{API}/datasets/<dataset_id>/publish")
    def publish_dataset(self, request, dataset_id):
        operator = self.auth.require(request, OPERATOR)
        read_query(request, NoQuerySchema())
        answer = self.ingest.with_deadline(PUBLISH_DEADLINE_SECONDS).publish_dataset(
            _dataset_id(dataset_id), operator.credential_id or "operator")
        self.reads.invalidate(answer["id"])
        return json_response(answer)

    @http("POST", f"{API}/datasets/<dataset_id>/reject")
    def reject_dataset(self, request, dataset_id):
        operator = self.auth.require(request, OPERATOR)
        read_query(request, NoQuerySchema())
        return json_response(self.ingest.reject_dataset(_dataset_id(dataset_id), operator.credential_id or "operator"))

    # -- published data (no token needed) ----------------------------------
    @http("GET", f"{API}/corridors")
    def list_corridors(self, request):
        query = read_query(request, CorridorListQuerySchema())
        return self._published(request, ("corridors", tuple(sorted(query.items()))), CorridorListSchema(),
                               lambda: self.ingest.list_corridors(**query))

    @http("GET", f"{API}/corridors/<source>/<destination>")
    def corridor(self, request, source, destination):
        period = read_query(request, PeriodQuerySchema()).get("period")
        source, destination = _iso3(source), _iso3(destination)
        return self._published(request, ("corridor", source, destination, period), CorridorSchema(),
                               lambda: self.ingest.corridor(source, destination, period))

    @http("GET", f"{API}/corridors/<source>/<destination>/history")
    def corridor_history(self, request, source, destination):
        read_query(request, NoQuerySchema())
        source, destination = _iso3(source), _iso3(destination)
        return self._published(request, ("history", source, destination), HistorySchema(),
                               lambda: self.ingest.corridor_history(source, destination))

    @http("GET", f"{API}/indicators")
    def indicators(self, request):
        period = read_query(request, PeriodQuerySchema()).get("period")
        return self._published(request, ("indicators", period), IndicatorsSchema(),
                               lambda: self.ingest.indicators(period))

    @http("GET", f"{API}/countries/<iso3>")
    def country(self, request, iso3):
        read_query(request, NoQuerySchema())
        iso3 = _iso3(iso3)
        return self._published(request, ("country", iso3), CountryProfileSchema(),
                               lambda: self.ingest.country_profile(iso3))

    # -- operations ---------------------------------------------------------
    @http("GET", f"{API}/admin/dead-letters")
    def list_dead_letters(self, request):
        self.auth.require(request, OPERATOR)
        limit = read_query(request, DeadLetterQuerySchema())["limit"]
        return json_response({"items": self.dead_letters.list(limit)})

    @http("POST", f"{API}/admin/dead-letters/replay")
    def replay_dead_letters(self, request):
        self.auth.require(request, OPERATOR)
        read_query(request, NoQuerySchema())
        wanted = read_json(request, ReplayRequestSchema()) if request.content_length else {}
        ids = [str(i) for i in wanted.get("event_ids", [])] or None
        return json_response({"replayed": self.dead_letters.replay(ids)})

    # Anything else under the API is a JSON 404, not werkzeug's HTML page.
    @http("GET,POST,PUT,PATCH,DELETE", f"{API}/<path:path>")
    def unknown_route(self, request, path):
        raise RouteNotFound(f"no such endpoint: {request.method} {request.path}")
