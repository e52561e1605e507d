"""The provider catalog: scope checks (a provider token writes only its own
entry), If-Match, ETags, then one call to the catalog. A write that changes
what published views show answers once the views built after its event are
served (its writer's next read is fresh)."""
from gateway.auth import PROVIDER
from gateway.changes import provider_change, provider_edit_announced
from gateway.exceptions import Forbidden
from gateway.resources.entries import author, entry_response, expected_version
from gateway.routes.table import API, Reply
from observatory.contracts.catalog import entry_etag, write_changed


def check_own_entry(principal, provider_id):
    if principal.role == PROVIDER and principal.subject_id != provider_id:
        raise Forbidden("a provider token reads and writes only its own entry",
                        {"your_provider_id": principal.subject_id, "provider_id": provider_id})


class Providers:
    def __init__(self, catalog, reads):
        self.catalog = catalog
        self.reads = reads  # the read model, waited on after a write

    def list_providers(self, request, call):
        return self.catalog.list_providers(call.params)

    def get_provider(self, request, call):
        return entry_response(request, call, self.catalog.get_provider(call.path["provider_id"]))

    def create_provider(self, request, call):
        answer = self.catalog.create_provider(call.body, author(call.principal))
        return Reply(answer, headers={"Location": f"{API}/providers/{answer['id']}",
                                      "ETag": entry_etag(answer["version"])})

    def update_provider(self, request, call):
        provider_id = call.path["provider_id"]
        check_own_entry(call.principal, provider_id)
        version, since = expected_version(request), self.reads.changes_announced()
        answer = self.catalog.update_provider(provider_id, call.body, version, author(call.principal))
        if provider_edit_announced(answer, version):
            self.reads.await_change(provider_change(answer["id"]), since)
        return Reply(answer, headers={"ETag": entry_etag(answer["version"])})

    def provider_audit(self, request, call):
        check_own_entry(call.principal, call.path["provider_id"])
        return self.catalog.provider_audit(call.path["provider_id"], call.params["limit"])

    def merge_providers(self, request, call):
        since = self.reads.changes_announced()
        answer = self.catalog.merge_providers(call.path["provider_id"], call.body["other"], author(call.principal))
        if write_changed(answer):
            self.reads.await_change(provider_change(answer["id"]), since)  # the entry kept: provider.updated
        return Reply(answer, headers={"ETag": entry_etag(answer["version"])})

    def split_provider(self, request, call):
        since = self.reads.changes_announced()
        answer = self.catalog.split_provider(call.path["provider_id"], call.body["alias"], author(call.principal))
        if write_changed(answer):
            self.reads.await_change(provider_change(answer["id"]), since)  # the new entry: provider.registered
        return Reply(answer, headers={"Location": f"{API}/providers/{answer['id']}"})

    def declare_quote(self, request, call):
        provider_id = call.path["provider_id"]
        check_own_entry(call.principal, provider_id)
        since = self.reads.changes_announced()
        answer = self.catalog.declare_quote(provider_id, call.body, author(call.principal))
        # the corridor answer lists declared prices; the declaration is announced as provider.updated
        if write_changed(answer):
            self.reads.await_change(provider_change(answer["provider_id"]), since)
        return answer

    def provider_quotes(self, request, call):
        return self.catalog.declared_quotes(call.path["provider_id"])
