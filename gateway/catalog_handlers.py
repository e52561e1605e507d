"""Handlers of the provider and practice routes (a mixin of GatewayService):
scope checks (a provider token writes only its own entry), If-Match, ETags,
then one call to the catalog."""
from gateway.auth import OPERATOR, PROVIDER
from gateway.exceptions import BadRequest, Forbidden, UnsupportedMediaType
from gateway.http import cached_json_response, read_body
from gateway.readmodel import encode
from gateway.routes.table import API, Reply
from observatory.contracts.catalog import entry_etag as etag
from observatory.contracts.catalog import version_of
from observatory.errors import PreconditionRequired

MAX_CSV_BYTES = 2 * 1024 * 1024
ENTRY_CACHE_CONTROL = "no-cache"  # entries change at any time: revalidate (304 when unchanged)
def expected_version(request):
    """The version ``If-Match`` names: 428 without it; a tag that is not one
    of ours names no version (-1), which the catalog answers with 412."""
    header = (request.headers.get("If-Match") or "").strip()
    if not header:
        raise PreconditionRequired("this write needs If-Match with the ETag of the entry as you read it "
                                   "(GET it first)", {"header": "If-Match"})
    version = version_of(header)
    return -1 if version is None else version


def author(principal):
    """Who a change is recorded as: role and credential (the configured operator token has none)."""
    return f"{principal.role}:{principal.credential_id or 'operator-token'}"


def check_own_entry(principal, provider_id):
    if principal.role == PROVIDER and principal.subject_id != provider_id:
        raise Forbidden("a provider token reads and writes only its own entry",
                        {"your_provider_id": principal.subject_id, "provider_id": provider_id})


class CatalogHandlers:
    """Needs ``self.catalog`` (a deadline RPC proxy) and ``self.auth``."""

    def _entry(self, request, call, answer):
        """An entry with its version as ETag (304 for If-None-Match)."""
        body, _ = encode(call.response_schema.dump(answer))
        return cached_json_response(request, body, etag(answer["version"]), ENTRY_CACHE_CONTROL)

    # -- providers ------------------------------------------------------------
    def list_providers(self, request, call):
        return self.catalog.list_providers(call.params)

    def get_provider(self, request, call):
        return self._entry(request, call, self.catalog.get_provider(call.path["provider_id"]))

    def create_provider(self, request, call):
        answer = self.catalog.create_provider(call.body, author(call.principal))
        return Reply(answer, headers={"Location": f"{API}/providers/{answer['id']}", "ETag": etag(answer["version"])})

    def update_provider(self, request, call):
        provider_id = call.path["provider_id"]
        check_own_entry(call.principal, provider_id)
        answer = self.catalog.update_provider(provider_id, call.body, expected_version(request),
                                              author(call.principal))
        self.reads.replace(self)
        return Reply(answer, headers={"ETag": etag(answer["version"])})

    def provider_audit(self, request, call):
        check_own_entry(call.principal, call.path["provider_id"])
        return self.catalog.provider_audit(call.path["provider_id"], call.params["limit"])

    def merge_providers(self, request, call):
        answer = self.catalog.merge_providers(call.path["provider_id"], call.body["other"], author(call.principal))
        self.reads.replace(self)
        return Reply(answer, headers={"ETag": etag(answer["version"])})

    def split_provider(self, request, call):
        answer = self.catalog.split_provider(call.path["provider_id"], call.body["alias"], author(call.principal))
        self.reads.replace(self)
        return Reply(answer, headers={"Location": f"{API}/providers/{answer['id']}"})

    def declare_quote(self, request, call):
        check_own_entry(call.principal, call.path["provider_id"])
        answer = self.catalog.declare_quote(call.path["provider_id"], call.body, author(call.principal))
        self.reads.replace(self)  # the corridor answer lists declared prices
        return answer

    def provider_quotes(self, request, call):
        return self.catalog.declared_quotes(call.path["provider_id"])

    # -- practices ------------------------------------------------------------
    def _operator_reads(self, request):
        """Operators see drafts; anyone else (or no token) sees what is published."""
        principal = self.auth.principal(request)
        return principal is not None and principal.role == OPERATOR

    def list_practices(self, request, call):
        params = dict(call.params)
        operator = self._operator_reads(request)
        if "status" in params and not operator:
            raise Forbidden("only operators can list drafts", {"parameter": "status"})
        return self.catalog.list_practices(params, not operator)

    def get_practice(self, request, call):
        answer = self.catalog.get_practice(call.path["practice_id"], not self._operator_reads(request))
        return self._entry(request, call, answer)

    def create_practice(self, request, call):
        answer = self.catalog.create_practice(call.body, author(call.principal))
        return Reply(answer, headers={"Location": f"{API}/practices/{answer['id']}", "ETag": etag(answer["version"])})

    def update_practice(self, request, call):
        answer = self.catalog.update_practice(call.path["practice_id"], call.body, expected_version(request),
                                              author(call.principal))
        self.reads.replace(self)
        return Reply(answer, headers={"ETag": etag(answer["version"])})

    def publish_practice(self, request, call):
        answer = self.catalog.publish_practice(call.path["practice_id"], author(call.principal))
        self.reads.replace(self)
        return Reply(answer, headers={"ETag": etag(answer["version"])})

    def import_practices(self, request, call):
        return self.catalog.import_practices(call.body, author(call.principal))

    def import_practices_csv(self, request, call):
        if request.mimetype != "text/csv":
            raise UnsupportedMediaType("send text/csv", {"content_type": request.mimetype or None})
        try:
            text = read_body(request, MAX_CSV_BYTES).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BadRequest("the CSV is not UTF-8", {"position": exc.start}) from None
        return self.catalog.import_practices_csv(text, author(call.principal))
