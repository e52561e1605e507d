"""Whole lists gathered from ingest for the exports and the pages: every
corridor of a quarter, every quarter's indicators, the LDCs' summaries."""
from gateway.analysis_material import ldc_newest_costs
from gateway.ldc_newest import observed_periods
from observatory.countries import countries

PAGE = 500  # items per RPC while gathering a whole list


def every_item(list_page, **params):
    """A whole cursor-paginated list, following ``next_cursor``: (the first page's answer, every item)."""
    first = answer = list_page(limit=PAGE, **params)
    items = list(answer["items"])
    while answer.get("next_cursor"):
        answer = list_page(cursor=answer["next_cursor"], limit=PAGE, **params)
        items += answer["items"]
    return first, items


def all_corridors(ingest, period):
    """(the quarter, every corridor with a figure in it); the latest quarter for ``period`` None."""
    first = ingest.list_corridors(period=period, limit=1)  # the quarter "latest" means now
    return first["period"], every_item(ingest.list_corridors, period=first["period"])[1]


def every_quarter(ingest):
    """The indicators of every quarter with quotes, oldest first."""
    latest = ingest.indicators(None)
    return [ingest.indicators(p) for p in latest["available_periods"][:-1]] + [latest]


def ldc_summaries(ingest):
    ldcs = sorted(c.iso3 for c in countries().by_iso3.values() if c.is_ldc())
    return ingest.country_summaries(ldcs)["items"]


def ldc_lens_material(ingest):
    """What the LDC lens is computed from: (the LDCs' summaries, their newest costs, the quote counts of
    each observed quarter among those: ``{period: corridor_quote_counts items}``)."""
    newest = ldc_newest_costs(ingest)
    counts = {period: ingest.corridor_quote_counts(period)["items"] for period in observed_periods(newest)}
    return ldc_summaries(ingest), newest, counts
