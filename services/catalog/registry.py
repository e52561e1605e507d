"""The provider registry built from the data: every firm a published dataset
of quotes names becomes, or joins, a provider (``apply_firms_observed``).

Each raw name keeps what the data says of it in its alias record (types,
corridors with first and last period, products); the provider holds the union
over its aliases (``entries``). Every write is idempotent: the effects are set
unions and min/max, and the audit entry and outbox event go into the same
conditional update as the event id (the store's ``apply_to_*``), so a
redelivered event, or one re-run after a crash half-way through, leaves one
net effect.
"""
from marshmallow import ValidationError

from observatory.contracts.events import ObservedFirmSchema
from services.catalog import entries, messages, resolution

_FIRM = ObservedFirmSchema()


def resolve(store, name):
    """(provider_id, how) a raw name belongs to, or (None, None) for a new firm:
    the name as recorded, else its key, else one typo away from an alias."""
    claimed = store.alias(name)
    if claimed and store.provider_exists(claimed["provider_id"]):
        return claimed["provider_id"], claimed.get("how") or "exact"
    recorded = store.provider_with_alias(name)  # its alias record was not written yet (a crash)
    if recorded:
        return recorded, "exact"
    name_key = resolution.key(name)
    found = store.provider_with_key(name_key)
    if found:
        return found, "key"
    found = resolution.typo_match(name, store.typo_candidates(resolution.deletion_keys(name_key)))
    return (found, "typo") if found else (None, None)


def apply_firms_observed(store, envelope, pause=lambda: None, rejected=None):
    """Register or extend one provider per observed firm, then record the
    batch (``record_batch``). Returns the ids of the providers written (their
    outboxes are to be flushed). ``pause`` runs between firms (the service
    yields to its other workers there). A firm that breaks the contract, or
    whose entry would, is appended to ``rejected`` as {"firm", "reason"} and
    the others go on (without a list: it raises)."""
    event_id, dataset_id = envelope["event_id"], envelope["data"]["dataset_id"]
    by = f"ingest:{dataset_id}"
    touched = []
    for firm in envelope["data"]["firms"]:
        pause()
        try:
            provider_id = observe_firm(store, _FIRM.load(firm), event_id, by)
        except (ValidationError, ValueError) as exc:  # the same on every delivery: retrying cannot help
            if rejected is None:
                raise
            rejected.append({"firm": firm, "reason": str(getattr(exc, "messages", exc))})
            continue
        if provider_id:
            touched.append(provider_id)
    if touched:
        record_batch(store, event_id, dataset_id, len(set(touched)))
    return touched


def record_batch(store, event_id, dataset_id, providers):
    """The one ``providers.changed`` for the entries of one event, after all
    of them were written (readers refresh once, not once per entry)."""
    store.record_batch(event_id, dataset_id, providers, messages.providers_changed(dataset_id, providers))


def observe_firm(store, firm, event_id, by):
    """One firm of an event. Its effect on the provider is recorded as
    "<event id>:<name>" (one event names several firms that may be one provider)."""
    name = firm["name"]
    observed = entries.observation(firm)
    provider_id, how = resolve(store, name)
    if provider_id is None:
        provider_id, how = register(store, name, observed, f"{event_id}:{name}", by), "exact"
    else:
        extend(store, provider_id, name, observed, f"{event_id}:{name}", by)
    claim_alias(store, name, provider_id, how, observed, event_id)
    return provider_id


def claim_alias(store, name, provider_id, how, observed, event_id):
    """The raw name's own record (after the provider write: a crash between
    the two is repaired by the redelivery, which finds the provider by key)."""
    store.claim_alias(name, provider_id, how)
    store.apply_to_alias(event_id, name, entries.observation_update(*observed))


def free_id(store, name):
    """A slug of the name no entry uses (a suffix when it is taken)."""
    base = resolution.slug(name)
    candidate, number = base, 1
    while store.id_taken(candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def register(store, name, observed, request_id, by):
    doc = entries.new_provider_doc(free_id(store, name), name, "observed", by, *observed)
    doc["applied_events"] = [request_id]
    if store.insert_provider(doc):
        return doc["_id"]
    existing, _ = resolve(store, name)  # another instance registered this id just now: join it
    if existing is None:
        raise RuntimeError(f"provider id {doc['_id']} was taken, and {name!r} resolves to no entry")
    extend(store, existing, name, observed, request_id, by)
    return existing


def extend(store, provider_id, name, observed, request_id, by):
    """Add what the data says to an existing provider, once per event."""
    versioned_write(store, provider_id, request_id, lambda doc: entries.observed_extension(doc, name, observed, by))


def versioned_write(store, provider_id, request_id, build, attempts=5):
    """Apply ``build(doc)`` (a raw update, or None for nothing to do) to the
    entry at the version it was built from, once per ``request_id``: a
    concurrent edit makes the write miss, and it is rebuilt on the new state."""
    for _ in range(attempts):
        doc = store.provider(provider_id)
        if doc is None or request_id in doc.get("applied_events", []):
            return False
        update = build(doc)
        if update is None:
            return False
        if store.apply_to_provider(request_id, provider_id, doc["version"], update):
            return True
    raise RuntimeError(f"provider {provider_id} kept changing under {request_id}")
