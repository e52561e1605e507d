"""What each curation decision changes in provider entries, as plain values:
an edit, a merge, a split (and the audit entry and event each carries, via
``entries.change_record``). ``curation`` reads the entries, calls these, and
hands what they return to the store.
"""
from services.catalog import entries, resolution
from services.catalog.exceptions import CurationConflict

EDITABLE = ("name", "description", "website", "contact", "licences", "products", "declared_corridors")
NAME_INDEXES = ("alias_keys", "typo_keys", "terms")


def edited_fields(doc, changes):
    """The stored form of ``changes`` (declared corridors also reach the
    corridor and country indexes; a new name reaches the name indexes)."""
    stored = {field: value for field, value in changes.items() if field in EDITABLE}
    if "declared_corridors" in stored:
        declared = sorted({entries.corridor_key(pair) for pair in stored["declared_corridors"]})
        stored["declared_corridors"] = declared
        observed = sorted(doc.get("corridors") or {})
        stored["corridor_keys"] = sorted(set(observed) | set(declared))
        stored["countries"] = sorted({c for k in stored["corridor_keys"] for c in k.split("-")})
    if "name" in stored:
        for field, values in entries.name_index(stored["name"]).items():
            stored[field] = sorted(set(doc.get(field, [])) | set(values))
    return stored


def edit_update(doc, changes, by):
    """The update an edit makes to ``doc``, or None when it changes no value
    (then no new version, no audit entry)."""
    stored = edited_fields(doc, changes)
    changed = sorted(f for f in changes if f in EDITABLE and stored[f] != doc.get(f))
    if not changed:
        return None
    return entries.change_record(doc, {"$set": stored}, "edited", by, changed,
                                 before={f: doc.get(f) for f in changed}, after={f: stored[f] for f in changed})


def refuse_self_merge(target_id, other_id):
    if target_id == other_id:
        raise CurationConflict("an entry cannot be merged into itself", {"id": target_id})


def merge_update(doc, other, by):
    """The update that folds entry ``other`` into ``doc``: the union of what
    both hold, the other's id (and its former ids) kept as former ids, its
    audit carried over before the merge's own entry."""
    sets = {f: other.get(f, []) for f in ("aliases", *NAME_INDEXES, "declared_corridors", *entries.OBSERVED_SETS)}
    sets["former_ids"] = [other["_id"], *other.get("former_ids", [])]
    first, last = entries.period_bounds(other)
    added = entries.additions(doc, {f: other.get(f, []) for f in ("aliases", *entries.OBSERVED_SETS)}, first, last)
    return entries.change_record(doc, entries.observation_update(sets, first, last), "merged", by,
                                 ["former_ids", *added], earlier_audit=other.get("audit", []), merged=other["_id"])


def split_already_done(doc, alias, claimed):
    """The raw name was split out of ``doc`` before (``claimed`` is its alias record)."""
    return bool(claimed) and claimed.get("split_from") == doc["_id"] and alias not in doc.get("aliases", [])


def refuse_split(doc, alias):
    """A split that cannot be done raises ``CurationConflict``."""
    if alias not in doc.get("aliases", []):
        raise CurationConflict("this name is not an alias of the entry", {"id": doc["_id"], "alias": alias})
    if len(doc["aliases"]) < 2:
        raise CurationConflict("the entry's only name cannot be split out", {"id": doc["_id"], "alias": alias})


def split_entry(new_id, alias, own, by):
    """The entry a split-out name becomes, from what the data says of it alone (``own``: its alias record)."""
    sets = {f: own.get(f, []) for f in entries.OBSERVED_SETS}
    doc = entries.new_provider_doc(new_id, alias, "split", by, sets, *entries.period_bounds(own))
    doc["audit"][0].update(action="split", alias=alias, origin="split")
    return doc


def _freeze(value):
    """A product (a dict) as a hashable value, for set unions."""
    return tuple(sorted(value.items())) if isinstance(value, dict) else value


def state_without(doc, alias, kept):
    """The fields of entry ``doc`` recomputed from the names it keeps
    (``kept``: their alias records), after ``alias`` is split out; what the
    entry declares itself stays."""
    remaining = [a for a in doc["aliases"] if a != alias]
    rebuilt = {f: sorted({_freeze(v) for a in kept for v in a.get(f, [])}, key=str) for f in entries.OBSERVED_SETS}
    rebuilt["products"] = [dict(p) for p in rebuilt["products"]]
    corridors = {}
    for own in kept:
        for corridor_key, periods in (own.get("corridors") or {}).items():
            bounds = corridors.setdefault(corridor_key, dict(periods))
            bounds["first_period"] = min(bounds["first_period"], periods["first_period"])
            bounds["last_period"] = max(bounds["last_period"], periods["last_period"])
    declared = doc.get("declared_corridors") or []
    rebuilt["corridor_keys"] = sorted(set(rebuilt["corridor_keys"]) | set(declared))
    rebuilt["countries"] = sorted(set(rebuilt["countries"]) | {c for k in declared for c in k.split("-")})
    index = {f: sorted({v for a in remaining for v in entries.name_index(a)[f]}) for f in NAME_INDEXES}
    state = {"aliases": remaining, **rebuilt, **index, "corridors": corridors}
    if resolution.key(doc["name"]) == resolution.key(alias):  # the entry was named by the name that left
        state["name"] = remaining[0]
    return state


def split_update(current, state, alias, new_id, by):
    """The update that sets entry ``current`` to ``state`` (``state_without``), audited as the split."""
    changed = ["aliases", *[f for f in entries.OBSERVED_SETS if state[f] != current.get(f)]]
    return entries.change_record(current, {"$set": dict(state)}, "split", by, changed, alias=alias, into=new_id)
