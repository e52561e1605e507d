"""The member workspace: one institution's own things, composed from the
catalog (corridor sets, watch lists, plan, requests) and notify (alerts,
scheduled exports). A member token reads and writes its own only."""
from gateway.resources.members import acting
from gateway.resources.plans import plan_answer
from gateway.routes.table import API, Reply
from observatory.errors import InvalidInput

NEWEST_ALERTS = 20


def institution_audit(member_entries, export_entries):
    """One audit log of the institution: the catalog's entries (its focal points, plan, workspace) and
    notify's (its scheduled exports), oldest first (ISO times in UTC sort as text)."""
    return sorted([*member_entries, *export_entries], key=lambda e: e.get("at") or "")


class Workspace:
    def __init__(self, catalog, ingest, notify):
        self.catalog = catalog
        self.ingest = ingest
        self.notify = notify

    def _composed(self, member_id, saved):
        by = {"role": "member", "member_id": member_id}
        requests = [r for status in ("proposed", "published", "rejected")
                    for r in self.catalog.list_requests(None, member_id, status, by)]
        audit = institution_audit(self.catalog.get_member(member_id, by).get("audit", []),
                                  self.notify.scheduled_export_audit(member_id)["items"])
        return {**saved, "plan": plan_answer(self.catalog, self.ingest, member_id), "requests": requests,
                "resources": self.catalog.member_resources(member_id, by),
                "notifications": self.notify.list_notifications(member_id, {"limit": NEWEST_ALERTS})["items"],
                "scheduled_exports": self.notify.list_scheduled_exports(member_id)["items"], "audit": audit}

    def get_workspace(self, request, call):
        member_id = call.principal.subject_id
        return self._composed(member_id, self.catalog.get_workspace(member_id, acting(call.principal)))

    def save_workspace(self, request, call):
        member_id = call.principal.subject_id
        return self._composed(member_id, self.catalog.save_workspace(member_id, call.body, acting(call.principal)))

    def _resolved(self, call, content):
        """The export's content with a saved corridor set's name resolved to its corridors now (the export
        keeps them)."""
        content = dict(content)
        set_name = content.pop("corridor_set", None)
        if set_name:
            saved = self.catalog.get_workspace(call.principal.subject_id, acting(call.principal))["corridor_sets"]
            chosen = [s for s in saved if s["name"] == set_name]
            if not chosen:
                raise InvalidInput("no corridor set of that name in your workspace",
                                   {"content.corridor_set": set_name, "known": [s["name"] for s in saved]})
            content.update(corridors=chosen[0]["corridors"], corridor_set=set_name)
        return content

    def create_scheduled_export(self, request, call):
        wanted = dict(call.body)
        answer = self.notify.create_scheduled_export(call.principal.subject_id,
                                                     {**wanted, "content": self._resolved(call, wanted["content"])},
                                                     acting(call.principal))
        return Reply(answer, headers={"Location": f"{API}/workspace/exports/{answer['id']}",
                                      "Cache-Control": "no-store"})

    def list_scheduled_exports(self, request, call):
        return self.notify.list_scheduled_exports(call.principal.subject_id)

    def change_scheduled_export(self, request, call):
        changes = dict(call.body)
        if "content" in changes:
            changes["content"] = self._resolved(call, changes["content"])
        return self.notify.change_scheduled_export(call.principal.subject_id, call.path["export_id"], changes,
                                                   acting(call.principal))

    def delete_scheduled_export(self, request, call):
        return self.notify.delete_scheduled_export(call.principal.subject_id, call.path["export_id"],
                                                   acting(call.principal))
