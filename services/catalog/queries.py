"""Reads of the catalog: provider entries, their audit log, and what the
catalog adds to the published corridor and country answers. Each takes the
catalog's store (``services.catalog.store``) as its first argument."""
from observatory.clock import iso
from services.catalog.exceptions import UnknownProvider


def corridors_served(doc):
    """Observed corridors with their first and last period, then the ones the
    provider declares that the data has not shown."""
    served = []
    for corridor_key, periods in sorted((doc.get("corridors") or {}).items()):
        source, destination = corridor_key.split("-")
        served.append({"source": source, "destination": destination, "observed": True,
                       "first_period": periods.get("first_period"), "last_period": periods.get("last_period")})
    for corridor_key in sorted(set(doc.get("declared_corridors") or []) - set(doc.get("corridors") or {})):
        source, destination = corridor_key.split("-")
        served.append({"source": source, "destination": destination, "observed": False,
                       "first_period": None, "last_period": None})
    return served


def provider_view(doc):
    return {"id": doc["_id"], "name": doc["name"], "aliases": sorted(doc.get("aliases", [])),
            "types": doc.get("types", []), "firm_types": doc.get("firm_types", []),
            "corridors": corridors_served(doc), "countries": sorted(doc.get("countries", [])),
            "products": doc.get("products", []), "licences": doc.get("licences", []),
            "website": doc.get("website"), "contact": doc.get("contact") or {},
            "description": doc.get("description"), "origin": doc.get("origin"),
            "former_ids": doc.get("former_ids", []), "version": doc["version"],
            "created_at": iso(doc.get("created_at")), "updated_at": iso(doc.get("updated_at"))}


def find_provider(store, provider_id):
    """The raw document of an entry, by its id or an id merged into it."""
    doc = store.provider_or_merged(provider_id)
    if doc is None:
        raise UnknownProvider("no such provider", {"id": provider_id})
    return doc


def get_provider(store, provider_id):
    return provider_view(find_provider(store, provider_id))


def provider_audit(store, provider_id, limit=100):
    doc = find_provider(store, provider_id)
    return {"provider_id": doc["_id"], "items": list(reversed(doc.get("audit", [])))[:limit]}


def list_providers(store, cursor=None, limit=50, **filters):
    """Entries in id order, filtered; ``next_cursor`` continues after the last."""
    page, total = store.provider_page(cursor, limit, **filters)
    return page.answer(provider_view, total=total)


def declared_view(doc, provider_name):
    return {"id": doc["_id"], "kind": "provider-declared", "provider_id": doc["provider_id"],
            "provider": provider_name, **{k: doc.get(k) for k in (
                "source", "destination", "period", "currency", "amount", "amount_usd", "fee", "exchange_rate",
                "interbank_rate", "fee_pct", "fx_margin_pct", "total_cost_pct", "product", "payment_instrument",
                "pickup_method", "speed")},
            "provenance": {"kind": "provider-declared", "provider_id": doc["provider_id"],
                           "declared_by": doc.get("declared_by"), "declared_at": iso(doc.get("declared_at"))}}


def declared_quotes(store, source=None, destination=None, period=None, provider_id=None, since=False):
    """Declared prices on a corridor (of one quarter, or from it on with
    ``since``) or of one provider, cheapest first."""
    docs = store.declared.matching(source, destination, period, provider_id, since)
    names = store.provider_names(d["provider_id"] for d in docs)
    docs.sort(key=lambda d: (d["total_cost_pct"], d["provider_id"], d["_id"]))
    return {"items": [declared_view(d, names.get(d["provider_id"], d["provider_id"])) for d in docs]}


def corridor_extras(store, source, destination, period, firm_names, latest=False):
    """For a published corridor quarter: the provider each observed firm name
    resolved to, and the prices providers declared for that quarter (for the
    latest quarter: declared for it or any later one, as prices are declared
    for the current quarter, which has no published figure yet)."""
    provider_ids = {name: None for name in firm_names}
    provider_ids.update(store.resolved_ids(firm_names))
    return {"provider_ids": provider_ids,
            "declared_quotes": declared_quotes(store, source, destination, period, since=latest)["items"]}


def country_extras(store, iso3, limit=200):
    """Providers serving the country (sending or receiving) and the published
    practices tagged with it."""
    return {"providers": [{"id": d["_id"], "name": d["name"], "types": d.get("types", [])}
                          for d in store.providers_serving(iso3, limit)],
            "practices": [{"id": d["_id"], "title": d["title"], "themes": d.get("themes", [])}
                          for d in store.practices.published_in(iso3, limit)]}
