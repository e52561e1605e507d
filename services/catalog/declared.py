"""Prices a provider declares for its own products: costed like surveyed
quotes (``observatory.costs``), kept apart as ``provider-declared`` and never
part of an observed figure (those are ingest's, computed from survey files)."""
import datetime as dt
import hashlib
import json

from pymongo.errors import DuplicateKeyError

from observatory.clock import utcnow
from observatory.costs import quote_costs
from services.catalog import registry
from services.catalog.exceptions import CorridorNotServed
from services.catalog.models import DeclaredQuote
from services.catalog.queries import declared_view, find_provider

# One price per product and amount on a corridor and quarter: declaring it again replaces it.
IDENTITY = ("source", "destination", "period", "product", "payment_instrument", "pickup_method", "speed",
            "currency", "amount")


def current_quarter(today=None):
    today = today or dt.date.today()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def quote_id(provider_id, request):
    identity = json.dumps([provider_id, *[request.get(k) for k in IDENTITY]], default=str)
    return hashlib.sha256(identity.encode()).hexdigest()[:20]


def declare(provider_id, request, by):
    """Store (or replace) one declared price; audited on the provider's entry."""
    provider = find_provider(provider_id)
    request = {"period": current_quarter(), **request}
    corridor = f"{request['source']}-{request['destination']}"
    if corridor not in provider.get("corridor_keys", []):
        raise CorridorNotServed(
            "the entry does not serve this corridor: the data has not shown it, and it is not among its declared "
            "corridors (PATCH the entry's declared_corridors first)", {"id": provider["_id"], "corridor": corridor})
    costs = quote_costs(request["amount"], request["fee"], request["exchange_rate"], request["interbank_rate"])
    identity = quote_id(provider["_id"], request)
    state = {**{k: request.get(k) for k in (*IDENTITY, "amount_usd", "fee", "exchange_rate", "interbank_rate")},
             **costs, "provider_id": provider["_id"], "declared_by": by, "declared_at": utcnow()}
    quotes = DeclaredQuote._get_collection()
    try:
        quotes.update_one({"_id": identity}, {"$set": state, },
                          upsert=True)
    except DuplicateKeyError:  # two identical declarations at once: the other one stored it
        quotes.update_one({"_id": identity}, {"$set": state})
    _audit(provider["_id"], identity, state, by)
    return declared_view(quotes.find_one({"_id": identity}), provider["name"])


def _audit(provider_id, identity, state, by):
    """The declaration in the entry's audit log and a ``provider.updated``
    event; the entry's own fields (and so its ETag) are unchanged."""
    after = {k: state[k] for k in ("source", "destination", "period", "amount", "fee", "exchange_rate",
                                   "total_cost_pct")}
    request_id = "declare:" + hashlib.sha256(json.dumps([identity, after], default=str).encode()).hexdigest()[:20]

    def build(doc):
        return registry.change_record(doc, {}, "declared_quote", by, ["declared_quotes"], bump=False,
                                      quote_id=identity, after=after)

    registry.versioned_write(provider_id, request_id, build)
