"""Provider entries as plain values: the document an entry starts as, and
the raw update each change makes to one (with its next version, its audit
entry and its ``provider.updated`` event). No store here: registry and
curation read the entry, call these, and hand the update to the store.

A provider holds the union over its raw names' observations: set unions
(``$addToSet``) and first/last periods (``$min``/``$max``), so applying the
same observation twice changes nothing.
"""
from observatory.audit import audit_entry
from observatory.clock import utcnow
from observatory.events import with_outbox
from services.catalog import messages, resolution

MAX_AUDIT = 1000  # per provider; older entries are dropped
# what a provider document holds that is the union over its aliases' observations
OBSERVED_SETS = ("types", "firm_types", "corridor_keys", "countries", "products")


def corridor_key(pair):
    return f"{pair['source']}-{pair['destination']}"


def name_index(name):
    """The lookup fields one raw name adds to its provider."""
    name_key = resolution.key(name)
    return {"alias_keys": [name_key], "typo_keys": resolution.deletion_keys(name_key),
            "terms": sorted(set(resolution.words(name)) | {name_key})}


def observation(firm):
    """What the data says of one observed firm: (sets to add, first periods, last periods)."""
    types = sorted({t for firm_type in firm["firm_types"] for t in resolution.provider_types(firm_type)})
    corridor_keys = [corridor_key(c) for c in firm["corridors"]]
    countries = sorted({c for corridor in firm["corridors"] for c in (corridor["source"], corridor["destination"])})
    first = {f"corridors.{k}.first_period": c["first_period"] for k, c in zip(corridor_keys, firm["corridors"])}
    last = {f"corridors.{k}.last_period": c["last_period"] for k, c in zip(corridor_keys, firm["corridors"])}
    sets = {"types": types, "firm_types": firm["firm_types"], "corridor_keys": corridor_keys,
            "countries": countries, "products": firm.get("products", [])}
    return sets, first, last


def period_bounds(doc):
    """A document's corridors as the first/last period paths of an observation."""
    corridors = doc.get("corridors") or {}
    first = {f"corridors.{k}.first_period": c["first_period"] for k, c in corridors.items() if c.get("first_period")}
    last = {f"corridors.{k}.last_period": c["last_period"] for k, c in corridors.items() if c.get("last_period")}
    return first, last


def observation_update(sets, first, last, extra_sets=None):
    """The set-union / min / max update an observation makes."""
    to_add = {**sets, **(extra_sets or {})}
    update = {"$addToSet": {field: {"$each": values} for field, values in to_add.items() if values}}
    if first:
        update["$min"] = first
    if last:
        update["$max"] = last
    return {op: fields for op, fields in update.items() if fields}


def additions(doc, sets, first, last):
    """What an observation would add to ``doc``: {field: added values}."""
    added = {}
    for field, values in sets.items():
        new = [v for v in values if v not in doc.get(field, [])]
        if new:
            added[field] = new
    corridors = doc.get("corridors", {})
    moved = sorted({path.split(".")[1] for path, value in first.items()
                    if value < corridors.get(path.split(".")[1], {}).get("first_period", "9999Q9")} |
                   {path.split(".")[1] for path, value in last.items()
                    if value > corridors.get(path.split(".")[1], {}).get("last_period", "0000Q0")})
    if moved:
        added["corridors"] = moved
    return added


def new_provider_doc(provider_id, name, origin, by, sets=None, first=None, last=None):
    """A provider document as inserted (its first audit entry and
    ``provider.registered`` in its outbox)."""
    now = utcnow()
    corridors = {}
    for path, value in {**(first or {}), **(last or {})}.items():
        _, corridor, field = path.split(".")
        corridors.setdefault(corridor, {})[field] = value
    doc = {"_id": provider_id, "name": name, "aliases": [name], **name_index(name),
           **{field: list(values) for field, values in (sets or {}).items()},
           "corridors": corridors, "licences": [], "contact": {}, "origin": origin, "version": 1,
           "created_at": now, "updated_at": now, "former_ids": [], "applied_events": []}
    doc["audit"] = [audit_entry("registered", by, ["name", "aliases", *(sets or {})], 1, origin=origin)]
    doc["outbox"] = [messages.provider_registered(doc)]
    return doc


def change_record(doc, update, action, by, fields, earlier_audit=(), bump=True, **extra):
    """``update`` plus the next version (``bump``), its audit entry and its event."""
    version = doc["version"] + (1 if bump else 0)
    update = dict(update)
    update["$set"] = {**update.get("$set", {}), "updated_at": utcnow(), **({"version": version} if bump else {})}
    update = with_outbox(update, messages.provider_updated({**doc, **update["$set"]}, fields, by, version))
    entry = audit_entry(action, by, fields, version, **extra)
    update["$push"]["audit"] = {"$each": [*earlier_audit, entry], "$slice": -MAX_AUDIT}
    return update


def observed_extension(doc, name, observed, by):
    """What one observed firm ``name`` (its ``observation``) changes in the
    existing entry ``doc``: the raw update, or None when it adds nothing."""
    sets, first, last = observed
    added = additions(doc, {"aliases": [name], **sets}, first, last)
    if not added:
        return None
    update = observation_update(sets, first, last, extra_sets={"aliases": [name], **name_index(name)})
    return change_record(doc, update, "observed", by, added, added={k: v for k, v in added.items() if k != "products"})
