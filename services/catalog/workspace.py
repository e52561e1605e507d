"""A member institution's workspace: its saved corridor sets and watch
lists, readable and writable by the institution itself (and operators) only."""
from observatory.clock import iso, utcnow
from services.catalog.members import audited, get_member, require_operator_or_member

EMPTY = {"corridor_sets": [], "watched_corridors": [], "watched_countries": [], "watched_themes": []}


def get_workspace(store, member_id, by):
    require_operator_or_member(by, member_id)
    return {**EMPTY, **(get_member(store, member_id).get("workspace") or {}), "member_id": member_id}


def save_workspace(store, member_id, workspace, by):
    """Replaced whole; saving the same again changes nothing (no audit entry)."""
    require_operator_or_member(by, member_id)
    current = get_member(store, member_id).get("workspace") or {}
    if {k: current.get(k, v) for k, v in EMPTY.items()} != workspace:
        update = {"$set": {"workspace": {**workspace, "updated_at": iso(utcnow())}}}
        store.capacity.update_member(member_id, audited(update, "workspace_saved", by, sorted(workspace)))
    return get_workspace(store, member_id, by)
