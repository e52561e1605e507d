"""A member institution's national remittance plan, kept on its record and
replaced whole (saving the same plan again changes nothing); its progress is
``plan_progress`` over the figures ingest published."""
from observatory.clock import iso, utcnow
from observatory.errors import NotFound
from services.catalog.members import audited, get_member, require_operator_or_member
from services.catalog.plan_progress import plan_progress
from services.catalog.resources import require_known_practices


def _stored(plan):
    """Dates as ISO text: the plan is kept as plain values."""
    measures = [{**m, "start": m["start"] and m["start"].isoformat(), "end": m["end"] and m["end"].isoformat()}
                for m in plan.get("measures", [])]
    return {**plan, "measures": measures}


def save_plan(store, member_id, plan, by):
    require_operator_or_member(by, member_id)
    member = get_member(store, member_id)
    require_known_practices(store, plan.get("practice_ids", []))
    stored = _stored(plan)
    current = {k: v for k, v in (member.get("plan") or {}).items() if k not in ("updated_at", "updated_by")}
    if current != stored:
        update = {"$set": {"plan": {**stored, "updated_at": iso(utcnow()), "updated_by": by.get("member_id")
                                    or by["role"]}}}
        store.capacity.update_member(member_id, audited(update, "plan_saved", by, sorted(plan)))
    return get_member(store, member_id)["plan"]


def get_plan(store, member_id):
    """Plans are public (they are commitments); the institution's own record holds it."""
    plan = get_member(store, member_id).get("plan")
    if not plan:
        raise NotFound("this institution has recorded no plan", {"member_id": member_id})
    return plan


def progress_of(store, member_id, figures):
    return {"member_id": member_id, **plan_progress(get_plan(store, member_id), figures)}
