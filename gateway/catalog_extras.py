"""What the catalog adds to ingest's published answers: the provider entry of
each observed quote, the declared prices of a corridor, the providers and
practices of a country. Without the catalog the figures are still served (and
not kept), its parts marked unavailable."""
from gateway.readmodel import Incomplete
from observatory.errors import ServiceUnavailable


def with_catalog_extras(corridor, catalog, dump, latest=False):
    """The corridor quarter with each observed quote's provider id and, in a
    list of their own, the prices providers declared for that quarter (never
    part of any figure above them)."""
    names = sorted({quote["provider"] for quote in corridor["quotes"]})
    try:
        extras = catalog.corridor_extras(corridor["source"], corridor["destination"], corridor["period"], names,
                                         latest)
    except ServiceUnavailable:
        raise Incomplete(dump({**corridor, "declared_quotes": None, "catalog": "unavailable"})) from None
    quotes = [{**quote, "provider_id": extras["provider_ids"].get(quote["provider"])} for quote in corridor["quotes"]]
    return dump({**corridor, "quotes": quotes, "declared_quotes": extras["declared_quotes"]})


def with_country_extras(profile, catalog, iso3, dump):
    """The country profile with the providers serving it and its practices."""
    try:
        extras = catalog.country_extras(iso3)
    except ServiceUnavailable:
        raise Incomplete(dump({**profile, "providers": None, "practices": None, "catalog": "unavailable"})) from None
    return dump({**profile, **extras})
