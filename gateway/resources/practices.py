"""The best-practice library: anyone reads what is published (operators see
drafts too); operators write, each write one call to the catalog."""
from gateway.auth import OPERATOR
from gateway.changes import practice_change
from gateway.exceptions import BadRequest, Forbidden, UnsupportedMediaType
from gateway.http import read_body
from gateway.resources.entries import author, entry_response, expected_version
from gateway.routes.table import API, Reply
from observatory.contracts.catalog import entry_etag

MAX_CSV_BYTES = 2 * 1024 * 1024


class Practices:
    def __init__(self, catalog, reads, auth, sources):
        self.catalog = catalog
        self.reads = reads  # the read model, waited on after a publication
        self.auth = auth  # an optional token: operators read drafts
        self.sources = sources

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
        return entry_response(request, call, answer)

    def create_practice(self, request, call):
        answer = self.catalog.create_practice(call.body, author(call.principal))
        return Reply(answer, headers={"Location": f"{API}/practices/{answer['id']}",
                                      "ETag": entry_etag(answer["version"])})

    def update_practice(self, request, call):
        since = self.reads.changes_announced()
        version = expected_version(request)
        answer = self.catalog.update_practice(call.path["practice_id"], call.body, version, author(call.principal))
        if answer.get("status") == "published" and answer.get("version", 0) > version:
            self.reads.await_change(practice_change(answer["id"]), since)  # practice.updated
        return Reply(answer, headers={"ETag": entry_etag(answer["version"])})

    def publish_practice(self, request, call):
        since = self.reads.changes_announced()
        answer = self.catalog.publish_practice(call.path["practice_id"], author(call.principal))
        self.reads.await_change(practice_change(answer["id"]), since)  # practice.published
        return Reply(answer, headers={"ETag": entry_etag(answer["version"])})

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
