"""The gateway's nameko class: routes, authentication, composition over RPC.

Handlers stay thin: authenticate, validate with a schema, call a service or a
plain function, shape the answer. Errors are mapped in gateway.exceptions.
"""
from gateway.auth import OPERATOR, PROVIDER, SUBSCRIBER
from gateway.credentials import list_credentials, mint_credential, revoke_credential
from gateway.dependencies import Authenticator, DeadLetterAdmin
from gateway.exceptions import BadRequest, RouteNotFound
from gateway.health import check_services
from gateway.http import http, json_response, read_json
from gateway.models import STORE_ALIAS
from gateway.schemas import CredentialRequestSchema, CredentialSchema, PrincipalSchema, ReplayRequestSchema
from observatory.deadlines import DeadlineRpcProxy
from observatory.mongo import MongoStore

API = "/api/v1"


class GatewayService:
    name = "gateway"

    store = MongoStore(STORE_ALIAS, "observatory_gateway")
    auth = Authenticator()
    dead_letters = DeadLetterAdmin()
    ingest = DeadlineRpcProxy("ingest")
    catalog = DeadlineRpcProxy("catalog")
    notify = DeadlineRpcProxy("notify")

    # -- platform -----------------------------------------------------------
    @http("GET", "/health")
    def health(self, request):
        all_ok, services = check_services({"ingest": self.ingest, "catalog": self.catalog, "notify": self.notify})
        services = {"gateway": {"status": "ok"}, **services}
        return json_response({"status": "ok" if all_ok else "degraded", "services": services},
                             200 if all_ok else 503)

    # -- credentials --------------------------------------------------------
    @http("GET", f"{API}/me")
    def whoami(self, request):
        principal = self.auth.require(request, OPERATOR, PROVIDER, SUBSCRIBER)
        return json_response(PrincipalSchema().dump(principal))

    @http("POST", f"{API}/credentials")
    def create_credential(self, request):
        operator = self.auth.require(request, OPERATOR)
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
        role = request.args.get("role")
        if role not in (None, OPERATOR, PROVIDER, SUBSCRIBER):
            raise BadRequest("role must be operator, provider or subscriber", {"role": role})
        return json_response({"items": CredentialSchema(many=True).dump(list_credentials(role))})

    @http("DELETE", f"{API}/credentials/<credential_id>")
    def delete_credential(self, request, credential_id):
        self.auth.require(request, OPERATOR)
        return json_response(CredentialSchema().dump(revoke_credential(credential_id)))

    # -- operations ---------------------------------------------------------
    @http("GET", f"{API}/admin/dead-letters")
    def list_dead_letters(self, request):
        self.auth.require(request, OPERATOR)
        try:
            limit = min(max(int(request.args.get("limit", 100)), 1), 1000)
        except ValueError:
            raise BadRequest("limit must be a whole number", {"limit": request.args.get("limit")}) from None
        return json_response({"items": self.dead_letters.list(limit)})

    @http("POST", f"{API}/admin/dead-letters/replay")
    def replay_dead_letters(self, request):
        self.auth.require(request, OPERATOR)
        wanted = read_json(request, ReplayRequestSchema()) if request.content_length else {}
        ids = [str(i) for i in wanted.get("event_ids", [])] or None
        return json_response({"replayed": self.dead_letters.replay(ids)})

    # Anything else under the API is a JSON 404, not werkzeug's HTML page.
    @http("GET,POST,PUT,PATCH,DELETE", f"{API}/<path:path>")
    def unknown_route(self, request, path):
        raise RouteNotFound(f"no such endpoint: {request.method} {request.path}")
