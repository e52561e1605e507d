"""The DECLARED corridor-cost series (SDMX ``RPW_CORRIDOR_COST``, DESIGN §5, §10):
per corridor, quarter and price point (USD 200, USD 500), the simple mean of the
total cost % of the prices providers declared, each costed as a surveyed quote
is (``observatory.costs``, at declaration). A declared price always gives its
exchange rate, so every one counts (none is "not disclosed"). Kept apart from
the observed series, which only survey files make (ingest's)."""
import datetime as dt
from collections import defaultdict

from observatory.clock import instant
from observatory.errors import InvalidInput
from observatory.pagination import page_of_keys

PRICE_POINTS = {"USD200": 200.0, "USD500": 500.0}
USD_TOLERANCE = 0.005  # a declared USD amount within half a cent of a price point is that price point
MAX_CORRIDORS_PAGE = 500


def price_point(doc):
    """``USD200`` / ``USD500`` for a declaration of that many US dollars (``amount_usd``, or ``amount`` when
    sent in USD), else None: a price at another amount is no corridor-cost observation."""
    usd = doc.get("amount_usd")
    if usd is None and doc.get("currency") == "USD":
        usd = doc.get("amount")
    if usd is None:
        return None
    return next((code for code, amount in PRICE_POINTS.items() if abs(usd - amount) <= USD_TOLERANCE), None)


def corridor_costs(docs):
    """{"SRC:DST": [{"period", "amount", "average_total_cost_pct", "quotes"}, ...]}, each corridor's entries in
    (amount, period) order, from declared price documents."""
    totals = defaultdict(list)
    for doc in docs:
        point = price_point(doc)
        if point is not None and doc.get("total_cost_pct") is not None:
            totals[(f"{doc['source']}:{doc['destination']}", point, doc["period"])].append(doc["total_cost_pct"])
    found = defaultdict(list)
    for (key, point, period), values in sorted(totals.items()):
        found[key].append({"period": period, "amount": point, "average_total_cost_pct": sum(values) / len(values),
                           "quotes": len(values)})
    return dict(found)


def moment(as_of):
    """The time of an ``as_of`` (a datetime, or ISO 8601 text with a timezone as the gateway sends it), aware
    UTC; None for none. 400 when it is no such time."""
    if as_of is None:
        return None
    if isinstance(as_of, dt.datetime):
        return as_of.replace(tzinfo=dt.timezone.utc) if as_of.tzinfo is None else as_of.astimezone(dt.timezone.utc)
    try:
        return instant(str(as_of))
    except ValueError as exc:
        raise InvalidInput(str(exc), {"fields": {"as_of": [str(exc)]}}) from None


def declared_cost_page(store, cursor=None, limit=200, source=None, destination=None, first=None, last=None,
                       as_of=None):
    """A page of corridors ("SRC:DST" order) with their declared series (of the quarters from ``first`` to
    ``last`` when given), as ingest's ``corridor_cost_page`` pages the observed ones: of the prices now, or
    of those in force at ``as_of`` (their kept versions: an SDMX answer asOf a time is the one served then)."""
    costs = corridor_costs(store.declared.cost_inputs(source, destination, first, last, at=moment(as_of)))
    page, next_cursor = page_of_keys(sorted(costs), cursor, limit, MAX_CORRIDORS_PAGE)
    items = [{"source": s, "destination": d, "periods": costs[f"{s}:{d}"]} for s, d in (k.split(":") for k in page)]
    return {"items": items, "next_cursor": next_cursor}


def declared_marker(store):
    """What the declared series are built from, small: the number of prices and the latest declaration (an
    SDMX answer's ETag changes when either does)."""
    stamps = [doc["declared_at"] for doc in store.declared.cost_inputs() if doc.get("declared_at")]
    return {"prices": len(stamps), "last_declared_at": max(stamps).isoformat() if stamps else None}
