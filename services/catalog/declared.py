"""Prices a provider declares for its own products: costed like surveyed
quotes (``observatory.costs``), kept apart as ``provider-declared`` and never
part of an observed figure (those are ingest's, computed from survey files)."""
import datetime as dt
import hashlib
import json

from observatory.clock import utcnow
from observatory.costs import quote_costs
from services.catalog import entries, registry
from services.catalog.exceptions import CorridorNotServed
from services.catalog.queries import declared_view, find_provider

# One price per product and amount on a corridor and quarter: declaring it again replaces it.
IDENTITY = ("source", "destination", "period", "product", "payment_instrument", "pickup_method", "speed",
            "currency", "amount")
AUDITED = ("source", "destination", "period", "amount", "fee", "exchange_rate", "total_cost_pct")


def current_quarter(today=None):
    today = today or dt.date.today()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def quote_id(provider_id, request):
    identity = json.dumps([provider_id, *[request.get(k) for k in IDENTITY]], default=str)
    return hashlib.sha256(identity.encode()).hexdigest()[:20]


def declared_price(provider, request, by, today=None):
    """(quote id, stored state) of one declaration on entry ``provider``,
    for the current quarter unless it names one; a corridor the entry does
    not serve is refused."""
    request = {"period": current_quarter(today), **request}
    corridor = entries.corridor_key(request)
    if corridor not in provider.get("corridor_keys", []):
        raise CorridorNotServed(
            "the entry does not serve this corridor: the data has not shown it, and it is not among its declared "
            "corridors (PATCH the entry's declared_corridors first)", {"id": provider["_id"], "corridor": corridor})
    costs = quote_costs(request["amount"], request["fee"], request["exchange_rate"], request["interbank_rate"])
    state = {**{k: request.get(k) for k in (*IDENTITY, "amount_usd", "fee", "exchange_rate", "interbank_rate")},
             **costs, "provider_id": provider["_id"], "declared_by": by, "declared_at": utcnow()}
    return quote_id(provider["_id"], request), state


def declaration_request_id(identity, state):
    """The same declaration again is the same request (audited once)."""
    after = [identity, {k: state[k] for k in AUDITED}]
    return "declare:" + hashlib.sha256(json.dumps(after, default=str).encode()).hexdigest()[:20]


def declaration_audit(doc, identity, state, by):
    """The update that puts a declaration in the entry's audit log with a
    ``provider.updated`` event; the entry's own fields (and so its ETag) are unchanged."""
    return entries.change_record(doc, {}, "declared_quote", by, ["declared_quotes"], bump=False,
                                 quote_id=identity, after={k: state[k] for k in AUDITED})


def declare(store, provider_id, request, by):
    """Store (or replace) one declared price; audited on the provider's entry.
    Returns (its view, whether this call changed anything: the same price
    declared again changes nothing and announces nothing)."""
    provider = find_provider(store, provider_id)
    identity, state = declared_price(provider, request, by)
    stored = store.declared.save(identity, state)
    changed = registry.versioned_write(store, provider["_id"], declaration_request_id(identity, state),
                                       lambda doc: declaration_audit(doc, identity, state, by))
    return declared_view(stored, provider["name"]), changed
