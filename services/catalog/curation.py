"""Changes people make to provider entries: an operator creates, merges and
splits; an operator or the provider itself edits (optimistic concurrency:
the write names the version it read, a stale one is refused with the current
ETag). Every change is one conditional write holding the change, its audit
entry and its ``provider.updated`` event; what each one changes is decided
in ``curation_changes``, from the entries as read here.
"""
from services.catalog import curation_changes as changes_of
from services.catalog import entries, registry
from services.catalog.exceptions import CurationConflict, StaleEntry, UnknownProvider
from services.catalog.queries import find_provider


def create_provider(store, request, by):
    """An entry the data has not shown (yet): origin ``operator``."""
    name = request["name"]
    doc = entries.new_provider_doc(registry.free_id(store, name), name, "operator", by, {"types": request["types"]})
    doc.update(changes_of.edited_fields(doc, request))
    if not store.insert_provider(doc):  # another entry took the id between the two steps
        raise CurationConflict("an entry with this id was created just now: send the request again",
                               {"id": doc["_id"]})
    return doc


def update_provider(store, provider_id, changes, expected_version, by):
    """Apply ``changes`` if the entry is still at ``expected_version``.
    Unchanged values change nothing (no new version, no audit entry)."""
    doc = find_provider(store, provider_id)
    if doc["version"] != expected_version:
        raise StaleEntry.of(doc)
    update = changes_of.edit_update(doc, changes, by)
    if update is None:
        return doc
    if not store.update_provider_at(doc["_id"], expected_version, update):  # written between our read and write
        raise StaleEntry.of(find_provider(store, provider_id))
    return find_provider(store, doc["_id"])


def merge(store, target_id, other_id, by):
    """Fold entry ``other_id`` into ``target_id``: the union of what both hold,
    the other's id kept as a former id (it keeps resolving), its aliases and
    declared prices re-pointed, its audit kept. Safe to run again after a crash.
    Returns (the kept entry, whether this call changed anything)."""
    changes_of.refuse_self_merge(target_id, other_id)
    target = find_provider(store, target_id)
    other = store.provider(other_id)
    if other is None:
        if other_id in target.get("former_ids", []):
            return target, False  # merged already (a re-run)
        raise UnknownProvider("no such provider", {"id": other_id})
    registry.versioned_write(store, target["_id"], f"merge:{other_id}:{target['_id']}",
                             lambda doc: changes_of.merge_update(doc, other, by))
    store.repoint_aliases(other_id, target["_id"], "merge")
    store.declared.repoint(other_id, target["_id"])
    store.delete_provider(other_id)
    return find_provider(store, target["_id"]), True


def split(store, provider_id, alias, by):
    """Take raw name ``alias`` out of an entry into an entry of its own, built
    from what the data says of that name; the rest is rebuilt from its other
    names. The alias is pinned: later data does not fold it back. Returns
    (the new entry, whether this call changed anything)."""
    doc = find_provider(store, provider_id)
    claimed = store.alias(alias)
    if changes_of.split_already_done(doc, alias, claimed):
        return find_provider(store, claimed["provider_id"]), False  # a re-run
    changes_of.refuse_split(doc, alias)
    new_id = (claimed or {}).get("split_into") or registry.free_id(store, alias)
    own = store.reserve_split(alias, new_id)
    if not store.provider_exists(new_id):
        store.insert_provider(changes_of.split_entry(new_id, alias, own, by))
    store.pin_split(alias, new_id, by, doc["_id"])
    kept = store.aliases_named(a for a in doc["aliases"] if a != alias)
    state = changes_of.state_without(doc, alias, kept)
    registry.versioned_write(store, doc["_id"], f"split:{doc['_id']}:{alias}",
                             lambda current: changes_of.split_update(current, state, alias, new_id, by))
    return find_provider(store, new_id), True
