"""The gateway's nameko class: routes, authentication, composition over RPC.

Handlers stay thin: authenticate, validate with a schema, call a service or a
plain function, shape the answer. Errors are mapped in gateway.exceptions.
"""
from marshmallow import ValidationError
from nameko.dependency_providers import Config

from gateway.auth import OPERATOR, PROVIDER, SUBSCRIBER
from gateway.credentials import list_credentials, mint_credential, revoke_credential
from gateway.dependencies import Authenticator, DeadLetterAdmin
from gateway.exceptions import RouteNotFound
from gateway.health import check_services
from gateway.http import http, json_response, read_json, read_query
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
    ingest = DeadlineRpcProxy("ingest")
    catalog = DeadlineRpcProxy("catalog")
    notify = DeadlineRpcProxy("notify")

    # -- platform -----------------------------------------------------------
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
        return json_response(self.ingest.get_dataset(_dataset_id(dataset_id),
                                                     **read_query(request, DatasetQuerySchema())))

    @http("POST", f"{API}/datasets/<dataset_id>/publish")
    def publish_dataset(self, request, dataset_id):
        operator = self.auth.require(request, OPERATOR)
        read_query(request, NoQuerySchema())
        answer = self.ingest.with_deadline(PUBLISH_DEADLINE_SECONDS).publish_dataset(
            _dataset_id(dataset_id), operator.credential_id or "operator")
        return json_response(answer)

    @http("POST", f"{API}/datasets/<dataset_id>/reject")
    def reject_dataset(self, request, dataset_id):
        operator = self.auth.require(request, OPERATOR)
        read_query(request, NoQuerySchema())
        return json_response(self.ingest.reject_dataset(_dataset_id(dataset_id), operator.credential_id or "operator"))

    # -- published data (no token needed) ----------------------------------
    @http("GET", f"{API}/corridors")
    def list_corridors(self, request):
        return json_response(self.ingest.list_corridors(**read_query(request, CorridorListQuerySchema())))

    @http("GET", f"{API}/corridors/<source>/<destination>")
    def corridor(self, request, source, destination):
        query = read_query(request, PeriodQuerySchema())
        return json_response(self.ingest.corridor(_iso3(source), _iso3(destination), query.get("period")))

    @http("GET", f"{API}/corridors/<source>/<destination>/history")
    def corridor_history(self, request, source, destination):
        read_query(request, NoQuerySchema())
        return json_response(self.ingest.corridor_history(_iso3(source), _iso3(destination)))

    @http("GET", f"{API}/indicators")
    def indicators(self, request):
        return json_response(self.ingest.indicators(read_query(request, PeriodQuerySchema()).get("period")))

    @http("GET", f"{API}/countries/<iso3>")
    def country(self, request, iso3):
        read_query(request, NoQuerySchema())
        return json_response(self.ingest.country_profile(_iso3(iso3)))

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
