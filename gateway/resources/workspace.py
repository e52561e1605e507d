"""The member workspace: one institution's own things, composed from the
catalog (corridor sets, watch lists, plan, requests) and notify (alerts,
scheduled exports). A member token reads and writes its own only."""
from gateway.resources.members import acting
from gateway.resources.plans import plan_answer
from gateway.routes.table import API, Reply
from observatory.errors import InvalidInput

NEWEST_ALERTS = 20


class Workspace:
    def __init__(self, catalog, ingest, notify):
        self.catalog = catalog
        self.ingest = ingest
        self.notify = notify

    def _composed(self, member_id, saved):
        by = {"role": "member", "member_id": member_id}
        requests = [r for status in ("proposed", "published", "rejected")
                    for r in self.catalog.list_requests(None, member_id, status, by)]
        return {**saved, "plan": plan_answer(self.catalog, self.ingest, member_id), "requests": requests,
                "resources": self.catalog.member_resources(member_id, by),
                "notifications": self.notify.list_notifications(member_id, {"limit": NEWEST_ALERTS})["items"],
                "scheduled_exports": self.notify.list_scheduled_exports(member_id)["items"]}

    def get_workspace(self, request, call):
        member_id = call.principal.subject_id
        return self._composed(member_id, self.catalog.get_workspace(member_id, acting(call.principal)))

    def save_workspace(self, request, call):
        member_id = call.principal.subject_id
        return self._composed(member_id, self.catalog.save_workspace(member_id, call.body, acting(call.principal)))

    def create_scheduled_export(self, request, call):
        member_id, wanted = call.principal.subject_id, dict(call.body)
        content = dict(wanted["content"])
        set_name = content.pop("corridor_set", None)
        if set_name:  # a saved corridor set: its corridors now (the export keeps them)
            saved = self.catalog.get_workspace(member_id, acting(call.principal))["corridor_sets"]
            chosen = [s for s in saved if s["name"] == set_name]
            if not chosen:
                raise InvalidInput("no corridor set of that name in your workspace",
                                   {"content.corridor_set": set_name, "known": [s["name"] for s in saved]})
            content.update(corridors=chosen[0]["corridors"], corridor_set=set_name)
        answer = self.notify.create_scheduled_export(member_id, {**wanted, "content": content})
        return Reply(answer, headers={"Location": f"{API}/workspace/exports/{answer['id']}",
                                      "Cache-Control": "no-store"})

    def list_scheduled_exports(self, request, call):
        return self.notify.list_scheduled_exports(call.principal.subject_id)

    def delete_scheduled_export(self, request, call):
        return self.notify.delete_scheduled_export(call.principal.subject_id, call.path["export_id"])
