"""Changes people make to provider entries: an operator creates, merges and
splits; an operator or the provider itself edits (optimistic concurrency:
the write names the version it read, a stale one is refused with the current
ETag). Every change is one conditional write holding the change, its audit
entry and its ``provider.updated`` event.
"""
from services.catalog import registry, resolution
from services.catalog.exceptions import CurationConflict, StaleEntry, UnknownProvider
from services.catalog.models import DeclaredQuote, Provider, ProviderAlias
from services.catalog.queries import find_provider

EDITABLE = ("name", "description", "website", "contact", "licences", "products", "declared_corridors")
# what a provider document holds that is the union over its aliases' observations
OBSERVED_SETS = ("types", "firm_types", "corridor_keys", "countries", "products")


def _corridor_key(pair):
    return f"{pair['source']}-{pair['destination']}"


def create_provider(request, by):
    """An entry the data has not shown (yet): origin ``operator``."""
    name = request["name"]
    doc = registry.new_provider_doc(registry.free_id(name), name, "operator", by,
                                    {"types": request["types"]})
    doc.update(_edited_fields(doc, request))
    Provider._get_collection().insert_one(doc)
    return doc


def _edited_fields(doc, changes):
    """The stored form of ``changes`` (declared corridors also reach the
    corridor and country indexes; a new name reaches the name indexes)."""
    stored = {field: value for field, value in changes.items() if field in EDITABLE}
    if "declared_corridors" in stored:
        declared = sorted({_corridor_key(pair) for pair in stored["declared_corridors"]})
        stored["declared_corridors"] = declared
        observed = sorted(doc.get("corridors") or {})
        stored["corridor_keys"] = sorted(set(observed) | set(declared))
        stored["countries"] = sorted({c for k in stored["corridor_keys"] for c in k.split("-")})
    if "name" in stored:
        index = registry.name_index(stored["name"])
        for field, values in index.items():
            stored[field] = sorted(set(doc.get(field, [])) | set(values))
    return stored


def update_provider(provider_id, changes, expected_version, by):
    """Apply ``changes`` if the entry is still at ``expected_version``.
    Unchanged values change nothing (no new version, no audit entry)."""
    doc = find_provider(provider_id)
    if doc["version"] != expected_version:
        raise StaleEntry.of(doc)
    stored = _edited_fields(doc, changes)
    changed = sorted(f for f in changes if f in EDITABLE and stored[f] != doc.get(f))
    if not changed:
        return doc
    update = registry.change_record(doc, {"$set": stored}, "edited", by, changed,
                                    before={f: doc.get(f) for f in changed}, after={f: stored[f] for f in changed})
    result = Provider._get_collection().update_one({"_id": doc["_id"], "version": expected_version}, update)
    if result.modified_count != 1:  # someone else wrote between our read and our write
        raise StaleEntry.of(find_provider(provider_id))
    return find_provider(doc["_id"])


def merge(target_id, other_id, by):
    """Fold entry ``other_id`` into ``target_id``: the union of what both hold,
    the other's id kept as a former id (it keeps resolving), its aliases and
    declared prices re-pointed, its audit kept. Safe to run again after a crash."""
    if target_id == other_id:
        raise CurationConflict("an entry cannot be merged into itself", {"id": target_id})
    providers = Provider._get_collection()
    target = find_provider(target_id)
    other = providers.find_one({"_id": other_id})
    if other is None:
        if other_id in target.get("former_ids", []):
            return target  # merged already (a re-run)
        raise UnknownProvider("no such provider", {"id": other_id})
    sets = {f: other.get(f, []) for f in ("aliases", "alias_keys", "typo_keys", "terms", "declared_corridors",
                                          *OBSERVED_SETS)}
    sets["former_ids"] = [other_id, *other.get("former_ids", [])]
    first, last = _period_bounds(other)

    def build(doc):
        added = registry.additions(doc, {f: other.get(f, []) for f in ("aliases", *OBSERVED_SETS)}, first, last)
        return registry.change_record(doc, registry.observation_update(sets, first, last), "merged", by,
                                      ["former_ids", *added], earlier_audit=other.get("audit", []), merged=other_id)

    registry.versioned_write(target["_id"], f"merge:{other_id}:{target['_id']}", build)
    ProviderAlias._get_collection().update_many({"provider_id": other_id},
                                                {"$set": {"provider_id": target["_id"], "how": "merge"}})
    DeclaredQuote._get_collection().update_many({"provider_id": other_id}, {"$set": {"provider_id": target["_id"]}})
    providers.delete_one({"_id": other_id})
    return find_provider(target["_id"])


def _period_bounds(doc):
    corridors = doc.get("corridors") or {}
    first = {f"corridors.{k}.first_period": c["first_period"] for k, c in corridors.items() if c.get("first_period")}
    last = {f"corridors.{k}.last_period": c["last_period"] for k, c in corridors.items() if c.get("last_period")}
    return first, last


def split(provider_id, alias, by):
    """Take raw name ``alias`` out of an entry into an entry of its own, built
    from what the data says of that name; the rest is rebuilt from its other
    names. The alias is pinned: later data does not fold it back."""
    doc = find_provider(provider_id)
    aliases = ProviderAlias._get_collection()
    claimed = aliases.find_one({"_id": alias})
    if claimed and claimed.get("split_from") == doc["_id"] and alias not in doc.get("aliases", []):
        return find_provider(claimed["provider_id"])  # split already (a re-run)
    if alias not in doc.get("aliases", []):
        raise CurationConflict("this name is not an alias of the entry", {"id": doc["_id"], "alias": alias})
    if len(doc["aliases"]) < 2:
        raise CurationConflict("the entry's only name cannot be split out", {"id": doc["_id"], "alias": alias})
    new_id = (claimed or {}).get("split_into") or registry.free_id(alias)
    aliases.update_one({"_id": alias}, {"$set": {"split_into": new_id}}, upsert=True)
    own = aliases.find_one({"_id": alias})
    sets = {f: own.get(f, []) for f in OBSERVED_SETS}
    new_doc = registry.new_provider_doc(new_id, alias, "split", by, sets, *_period_bounds(own))
    new_doc["audit"][0].update(action="split", alias=alias, origin="split")
    if not Provider._get_collection().count_documents({"_id": new_id}, limit=1):
        Provider._get_collection().insert_one(new_doc)
    aliases.update_one({"_id": alias}, {"$set": {"provider_id": new_id, "how": "split", "pinned": by,
                                                 "split_from": doc["_id"]}})
    _rebuild_without(doc, alias, new_id, by)
    return find_provider(new_id)


def _rebuild_without(doc, alias, new_id, by):
    """The entry recomputed from the names it keeps."""
    remaining = [a for a in doc["aliases"] if a != alias]
    kept = list(ProviderAlias._get_collection().find({"_id": {"$in": remaining}}))
    rebuilt = {f: sorted({_freeze(v) for a in kept for v in a.get(f, [])}, key=str) for f in OBSERVED_SETS}
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
    index = {f: sorted({v for a in remaining for v in registry.name_index(a)[f]})
             for f in ("alias_keys", "typo_keys", "terms")}
    state = {"aliases": remaining, **rebuilt, **index, "corridors": corridors}
    if resolution.key(doc["name"]) == resolution.key(alias):
        state["name"] = remaining[0]

    def build(current):
        changed = ["aliases", *[f for f in OBSERVED_SETS if rebuilt[f] != current.get(f)]]
        return registry.change_record(current, {"$set": dict(state)}, "split", by, changed, alias=alias, into=new_id)

    registry.versioned_write(doc["_id"], f"split:{doc['_id']}:{alias}", build)


def _freeze(value):
    """A product (a dict) as a hashable value, for set unions."""
    return tuple(sorted(value.items())) if isinstance(value, dict) else value
