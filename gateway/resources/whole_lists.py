"""Whole lists gathered from ingest for the exports and the pages: every
corridor of a quarter, every quarter's indicators, the LDCs' summaries."""
from observatory.countries import countries

PAGE = 500  # corridors per RPC while gathering a whole quarter


def all_corridors(ingest, period):
    """(the quarter, every corridor with a figure in it); the latest quarter for ``period`` None."""
    first = ingest.list_corridors(period=period, limit=PAGE)
    items = list(first["items"])
    while len(items) < first["total"]:
        items += ingest.list_corridors(period=first["period"], offset=len(items), limit=PAGE)["items"]
    return first["period"], items


def every_quarter(ingest):
    """The indicators of every quarter with quotes, oldest first."""
    latest = ingest.indicators(None)
    return [ingest.indicators(p) for p in latest["available_periods"][:-1]] + [latest]


def ldc_summaries(ingest):
    ldcs = sorted(c.iso3 for c in countries().by_iso3.values() if c.is_ldc())
    return ingest.country_summaries(ldcs)["items"]
