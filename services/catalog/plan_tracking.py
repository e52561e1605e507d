"""A plan's progress kept against the published figures (DESIGN §4: "a
plan's progress computed from ingest's events"): on each ``dataset.published``
of corridor figures the catalog recomputes every plan's progress from
ingest's histories and records it once per event, with a
``plan.target.changed`` for each target met or slipped since the last."""
from observatory.clock import utcnow
from observatory.contracts.capacity import published_plan_figures
from observatory.outbox import with_outbox
from services.catalog import messages
from services.catalog.plan_progress import plan_progress, progress_changes
from services.catalog.plans import get_plan

# Publications that move corridor figures (a plan follows one corridor series).
CORRIDOR_KINDS = ("rpw-quotes", "rpw-corridor-averages", "rpw-corridor-means")


def track(store, member_id, figures):
    """Record where the plan stands now (after it is saved): no alert, the next publication compares to it."""
    progress = plan_progress(get_plan(store, member_id), figures)
    store.capacity.record_progress(f"saved:{utcnow().isoformat()}", member_id,
                                   {"$set": {"progress": progress, "updated_at": utcnow()}})
    return progress


def changes_on_publication(member, before, figures, dataset_id=None):
    """(the plan's progress now, the ``plan.target.changed`` events since ``before``): plain values."""
    progress = plan_progress(member["plan"], figures)
    targets = {t["year"]: t for t in progress["targets"]}
    events = [messages.plan_target_changed(member, change, targets[change["year"]], progress, dataset_id)
              for change in progress_changes(before, progress)]
    return progress, events


def on_dataset_published(store, event, corridor_history):
    """Every plan's progress after the publication ``event`` (an envelope), once per event.
    Returns the member ids whose tracking was written."""
    data = event["data"]
    if data.get("kind") not in CORRIDOR_KINDS:
        return []
    written = []
    for member in store.capacity.members_with_plans():
        figures = published_plan_figures(member["plan"]["corridors"], corridor_history)
        progress, events = changes_on_publication(member, store.capacity.tracked_progress(member["_id"]), figures,
                                                  data.get("dataset_id"))
        update = {"$set": {"progress": progress, "updated_at": utcnow()}}
        if store.capacity.record_progress(str(event["event_id"]), member["_id"],
                                          with_outbox(update, *events) if events else update):
            written.append(member["_id"])
    return written
