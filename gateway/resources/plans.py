"""National remittance plans: saved through the catalog (acting as the
caller), read by anyone with each target's progress from the published
corridor figures (ingest's histories of the plan's corridors)."""
from gateway.resources.members import acting
from observatory.contracts.capacity import published_plan_figures
from observatory.errors import NotFound


def published_figures(ingest, corridors):
    """Every published figure of the plan's corridors (a corridor without any: none)."""
    return published_plan_figures(corridors, ingest.corridor_history)


def plan_answer(catalog, ingest, member_id):
    """The plan, its institution's country and its progress now; None when the institution has no plan."""
    try:
        plan = catalog.get_plan(member_id)
    except NotFound:
        return None
    progress = catalog.plan_progress(member_id, published_figures(ingest, plan["corridors"]))
    member = catalog.get_member(member_id, None)
    return {"member_id": member_id, "country": member["country"], "plan": plan, "progress": progress}


class Plans:
    def __init__(self, catalog, ingest):
        self.catalog = catalog
        self.ingest = ingest

    def save_plan(self, request, call):
        member_id = call.path["member_id"]
        plan = self.catalog.save_plan(member_id, call.body, acting(call.principal))
        # Where it stands now is where later publications are compared from (no alert for the saving itself).
        progress = self.catalog.track_plan(member_id, published_figures(self.ingest, plan["corridors"]))
        member = self.catalog.get_member(member_id, None)
        return {"member_id": member_id, "country": member["country"], "plan": plan, "progress": progress}

    def get_plan(self, request, call):
        answer = plan_answer(self.catalog, self.ingest, call.path["member_id"])
        if answer is None:
            raise NotFound("this institution has recorded no plan", {"member_id": call.path["member_id"]})
        return answer
