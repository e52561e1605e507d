"""Who the caller is, and the tokens operators mint (gateway.credentials
over the gateway's store); a subject must exist in its service first."""
from gateway import credentials
from gateway.resources.members import member_as_subscriber
from gateway.routes.table import API, Reply


class Credentials:
    def __init__(self, store, catalog, notify, ingest=None):
        self.store = store
        self.catalog = catalog
        self.notify = notify
        self.ingest = ingest  # reporters are ingest's (national submissions)

    def whoami(self, request, call):
        return call.principal

    def create_credential(self, request, call):
        wanted = call.body
        subject = wanted.get("provider_id") or wanted.get("subscriber_id")
        if wanted.get("provider_id"):
            subject = self.catalog.get_provider(subject)["id"]  # 404 for an entry that does not exist
        if wanted.get("subscriber_id"):
            subject = self.notify.get_subscriber(subject)["id"]
        if wanted.get("reporter_id"):
            subject = self.ingest.get_reporter(wanted["reporter_id"])["id"]  # 404 for an unknown reporter
        if wanted.get("member_id"):  # a member institution: its subscriber rights come with it
            subject = member_as_subscriber(self.catalog, self.notify, wanted["member_id"])
        minted = credentials.mint_credential(self.store, wanted["role"], subject, wanted.get("label"),
                                             created_by=call.principal.credential_id or "operator")
        return Reply(minted, headers={"Location": f"{API}/credentials/{minted.id}", "Cache-Control": "no-store"})

    def list_credentials(self, request, call):
        return {"items": credentials.list_credentials(self.store, call.params.get("role"))}

    def revoke_credential(self, request, call):
        return credentials.revoke_credential(self.store, call.path["credential_id"])
