"""The provider registry built from the data: every firm a published dataset
of quotes names becomes, or joins, a provider (``apply_firms_observed``).

Each raw name keeps what the data says of it in its ``ProviderAlias``
document (types, corridors with first and last period, products); the
provider holds the union over its aliases. Every write is idempotent: the
effects are set unions and min/max, and the audit entry and outbox event go
into the same conditional update as the event id (``apply_once``), so a
redelivered event, or one re-run after a crash half-way through, leaves one
net effect.
"""
import uuid

from marshmallow import ValidationError
from pymongo.errors import DuplicateKeyError

from observatory.clock import utcnow
from observatory.contracts.events import ObservedFirmSchema

from observatory.events import new_event
from observatory.idempotency import apply_once
from observatory.outbox import with_outbox
from services.catalog import resolution
from services.catalog.models import ObservedBatch, Provider, ProviderAlias

SOURCE = "catalog"
MAX_AUDIT = 1000  # per provider; older entries are dropped
_FIRM = ObservedFirmSchema()
REGISTERED_EVENTS = uuid.UUID("5d1c7f0e-2b7a-4f43-9a51-6a3c1f0b8e21")  # namespace of provider.registered ids




# -- resolution against the store --------------------------------------------------

def resolve(name):
    """(provider_id, how) a raw name belongs to, or (None, None) for a new firm:
    the name as recorded, else its key, else one typo away from an alias."""
    claimed = ProviderAlias._get_collection().find_one({"_id": name}, {"provider_id": 1, "how": 1})
    if claimed and Provider._get_collection().count_documents({"_id": claimed["provider_id"]}, limit=1):
        return claimed["provider_id"], claimed.get("how") or "exact"
    providers = Provider._get_collection()
    recorded = providers.find_one({"aliases": name}, {"_id": 1})  # its alias record was not written yet (a crash)
    if recorded:
        return recorded["_id"], "exact"
    name_key = resolution.key(name)
    found = providers.find_one({"alias_keys": name_key}, {"_id": 1}, sort=[("_id", 1)])
    if found:
        return found["_id"], "key"
    candidates = providers.find({"typo_keys": {"$in": resolution.deletion_keys(name_key)}}, {"aliases": 1})
    for candidate in sorted(candidates, key=lambda c: c["_id"]):
        if any(resolution.one_typo_apart(name, alias) for alias in candidate.get("aliases", [])):
            return candidate["_id"], "typo"
    return None, None


def name_index(name):
    """The lookup fields one raw name adds to its provider."""
    name_key = resolution.key(name)
    return {"alias_keys": [name_key], "typo_keys": resolution.deletion_keys(name_key),
            "terms": sorted(set(resolution.words(name)) | {name_key})}


# -- what the data says of one name ------------------------------------------------

def observation(firm):
    """The set-union / min / max update that one observed firm makes."""
    types = sorted({t for firm_type in firm["firm_types"] for t in resolution.provider_types(firm_type)})
    corridor_keys = [f"{c['source']}-{c['destination']}" for c in firm["corridors"]]
    countries = sorted({c for corridor in firm["corridors"] for c in (corridor["source"], corridor["destination"])})
    first = {f"corridors.{k}.first_period": c["first_period"] for k, c in zip(corridor_keys, firm["corridors"])}
    last = {f"corridors.{k}.last_period": c["last_period"] for k, c in zip(corridor_keys, firm["corridors"])}
    sets = {"types": types, "firm_types": firm["firm_types"], "corridor_keys": corridor_keys,
            "countries": countries, "products": firm.get("products", [])}
    return sets, first, last


def observation_update(sets, first, last, extra_sets=None):
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


def audit_entry(action, by, fields, version, **extra):
    return {"at": utcnow().isoformat(), "by": by, "action": action, "fields": sorted(fields), "version": version,
            **extra}


def updated_event(provider, fields, by, version):
    return new_event("provider.updated", SOURCE, {
        "provider_id": provider["_id"], "version": version, "fields": sorted(fields), "by": by,
        "types": provider.get("types", []), "countries": provider.get("countries", [])})


def registered_event(doc):
    # One id per entry id (ids are never reused): an entry rebuilt after a
    # restart (``rebuild``) announces the registration subscribers already had.
    return new_event("provider.registered", SOURCE, event_id=uuid.uuid5(REGISTERED_EVENTS, doc["_id"]), data={
        "provider_id": doc["_id"], "name": doc["name"], "types": doc.get("types", []),
        "countries": doc.get("countries", []), "origin": doc.get("origin") or "observed"})


# -- applying firms.observed --------------------------------------------------------

def apply_firms_observed(envelope, pause=lambda: None, rejected=None):
    """Register or extend one provider per observed firm, then record the
    batch (``record_batch``). Returns the ids of the providers written (their
    outboxes are to be flushed). ``pause`` runs between firms (the service
    yields to its other workers there). A firm that breaks the contract, or
    whose entry would, is appended to ``rejected`` as {"firm", "reason"} and
    the others go on (without a list: it raises, as before)."""
    event_id, dataset_id = envelope["event_id"], envelope["data"]["dataset_id"]
    by = f"ingest:{dataset_id}"
    touched = []
    for firm in envelope["data"]["firms"]:
        pause()
        try:
            provider_id = observe_firm(_FIRM.load(firm), event_id, by)
        except (ValidationError, ValueError) as exc:  # the same on every delivery: retrying cannot help
            if rejected is None:
                raise
            rejected.append({"firm": firm, "reason": str(getattr(exc, "messages", exc))})
            continue
        if provider_id:
            touched.append(provider_id)
    if touched:
        record_batch(event_id, dataset_id, len(set(touched)))
    return touched


def record_batch(event_id, dataset_id, providers):
    """The one ``providers.changed`` for the entries of one event, after all
    of them were written (readers refresh once, not once per entry)."""
    event = new_event("providers.changed", SOURCE, {"dataset_id": dataset_id, "providers": providers})
    try:
        ObservedBatch._get_collection().insert_one({"_id": event_id, "dataset_id": dataset_id, "providers": providers,
                                                    "at": utcnow(), "applied_events": [event_id], "outbox": [event]})
    except DuplicateKeyError:  # a redelivery: the batch was recorded (its event sent, or pending in its outbox)
        pass


def observe_firm(firm, event_id, by):
    """One firm of an event. Its effect on the provider is recorded as
    "<event id>:<name>" (one event names several firms that may be one provider)."""
    name = firm["name"]
    sets, first, last = observation(firm)
    provider_id, how = resolve(name)
    if provider_id is None:
        provider_id, how = register(name, sets, first, last, f"{event_id}:{name}", by), "exact"
    else:
        _extend(provider_id, name, sets, first, last, f"{event_id}:{name}", by)
    _claim_alias(name, provider_id, how, sets, first, last, event_id)
    return provider_id


def _claim_alias(name, provider_id, how, sets, first, last, event_id):
    """The raw name's own record (after the provider write: a crash between
    the two is repaired by the redelivery, which finds the provider by key)."""
    aliases = ProviderAlias._get_collection()
    try:
        aliases.insert_one({"_id": name, "provider_id": provider_id, "how": how, "applied_events": []})
    except DuplicateKeyError:
        pass
    apply_once(ProviderAlias, event_id, {"_id": name}, observation_update(sets, first, last))


def free_id(name):
    """A slug of the name no entry uses (a suffix when it is taken)."""
    base, providers = resolution.slug(name), Provider._get_collection()
    candidate, number = base, 1
    while providers.count_documents({"$or": [{"_id": candidate}, {"former_ids": candidate}]}, limit=1):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


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
    doc["outbox"] = [registered_event(doc)]
    return doc


def register(name, sets, first, last, request_id, by):
    doc = new_provider_doc(free_id(name), name, "observed", by, sets, first, last)
    doc["applied_events"] = [request_id]
    try:
        Provider._get_collection().insert_one(doc)
    except DuplicateKeyError:  # another instance registered this id just now: join it
        existing, _ = resolve(name)
        if existing is None:
            raise
        _extend(existing, name, sets, first, last, request_id, by)
        return existing
    return doc["_id"]


def versioned_write(provider_id, request_id, build, attempts=5):
    """Apply ``build(doc)`` (a raw update, or None for nothing to do) to the
    entry at the version it was built from, once per ``request_id``: a
    concurrent edit makes the write miss, and it is rebuilt on the new state."""
    providers = Provider._get_collection()
    for _ in range(attempts):
        doc = providers.find_one({"_id": provider_id})
        if doc is None or request_id in doc.get("applied_events", []):
            return False
        update = build(doc)
        if update is None:
            return False
        if apply_once(Provider, request_id, {"_id": provider_id, "version": doc["version"]}, update):
            return True
    raise RuntimeError(f"provider {provider_id} kept changing under {request_id}")


def change_record(doc, update, action, by, fields, earlier_audit=(), bump=True, **extra):
    """``update`` plus the next version (``bump``), its audit entry and its event."""
    version = doc["version"] + (1 if bump else 0)
    update = dict(update)
    update["$set"] = {**update.get("$set", {}), "updated_at": utcnow(), **({"version": version} if bump else {})}
    update = with_outbox(update, updated_event({**doc, **update["$set"]}, fields, by, version))
    entry = audit_entry(action, by, fields, version, **extra)
    update["$push"]["audit"] = {"$each": [*earlier_audit, entry], "$slice": -MAX_AUDIT}
    return update


def _extend(provider_id, name, sets, first, last, request_id, by):
    """Add what the data says to an existing provider, once per event."""
    index = name_index(name)

    def build(doc):
        added = additions(doc, {"aliases": [name], **sets}, first, last)
        if not added:
            return None
        update = observation_update(sets, first, last, extra_sets={"aliases": [name], **index})
        return change_record(doc, update, "observed", by, added,
                             added={k: v for k, v in added.items() if k != "products"})

    versioned_write(provider_id, request_id, build)
