"""The read side the gateway's SDMX web service pages through (added beside
``queries``): whole published series, one page of corridors or economies per
call, each with every period it has, so that the gateway writes series after
series without holding more than a page. Shapes: observatory.contracts.sdmx_sources."""
from observatory.errors import VintageNotKept
from observatory.pagination import page_of_keys
from services.ingest.keys import corridor_key

MAX_CORRIDORS_PAGE = 500
MAX_QUOTE_CORRIDORS_PAGE = 50
MAX_ECONOMIES_PAGE = 100


def _no_vintage(as_of, what):
    if as_of is not None:
        raise VintageNotKept(f"{what} as of an earlier time is not kept yet: ask without asOf",
                             {"as_of": str(as_of)[:40]})


def _page(keys, cursor, limit, maximum):
    """(the keys of this page, the next cursor or None), keys sorted."""
    return page_of_keys(keys, cursor, limit, maximum)


def _selected(key, source, destination):
    s, d = key.split(":")
    return (not source or s == source) and (not destination or d == destination)


def _observed(store, corridor):
    """{"SRC:DST": {period: published entry}} of the observed series."""
    found = {}
    for period, corridors in store.publication.published_corridors(corridor).items():
        for key, entry in corridors.items():
            found.setdefault(key, {})[period] = entry
    return found


def _in_periods(points, first, last):
    """{"SRC:DST": {period: entry}} with only the periods from ``first`` to ``last`` (2014Q1), corridors left empty dropped."""
    if not (first or last):
        return points
    kept = {key: {p: e for p, e in periods.items() if (not first or p >= first) and (not last or p <= last)}
            for key, periods in points.items()}
    return {key: periods for key, periods in kept.items() if periods}


def corridor_cost_page(store, cursor=None, limit=200, source=None, destination=None, as_of=None, first=None,
                       last=None):
    """A page of corridors (in "SRC:DST" order), each with every period (from ``first`` to ``last``, 2014Q1,
    when given) of each series: the observed average (transparent quotes) with its quote counts, the official
    and the derived, at USD 200 (``*_pct``) and USD 500 (``*_pct_500``, where the series has it: the observed
    one is averaged from the quotes' cc2 total cost as the USD 200 one from cc1, at staging)."""
    _no_vintage(as_of, "corridor costs")
    corridor = f"{source}:{destination}" if source and destination else None
    observed = _in_periods(_observed(store, corridor), first, last)
    official = _in_periods(store.series.series_points("official", corridor), first, last)
    derived = _in_periods(store.series.series_points("derived", corridor), first, last)
    keys = sorted(k for k in set(observed) | set(official) | set(derived) if _selected(k, source, destination))
    page, next_cursor = _page(keys, cursor, limit, MAX_CORRIDORS_PAGE)
    items = []
    for key in page:
        s, d = key.split(":")
        mine = [observed.get(key, {}), official.get(key, {}), derived.get(key, {})]
        periods = []
        for period in sorted(set().union(*mine)):
            entry, off, der = (m.get(period) for m in mine)
            periods.append({"period": period,
                            "observed_pct": entry.get("average_total_cost_pct") if entry else None,
                            "observed_pct_500": entry.get("average_total_cost_pct_500") if entry else None,
                            "quotes_total": entry.get("quotes_total") if entry else None,
                            "quotes_transparent": entry.get("quotes_transparent") if entry else None,
                            "dataset_id": entry.get("dataset_id") if entry else None,
                            "official_pct": off.get("average_total_cost_pct") if off else None,
                            "official_pct_500": off.get("average_total_cost_pct_500") if off else None,
                            "derived_pct": der.get("average_total_cost_pct") if der else None,
                            "derived_pct_500": der.get("average_total_cost_pct_500") if der else None})
        items.append({"source": s, "destination": d, "periods": periods})
    return {"items": items, "next_cursor": next_cursor}


def published_quotes_page(store, cursor=None, limit=10, source=None, destination=None, as_of=None):
    """A page of corridors, each with the published provider quotes of every period
    (rows in the order of ``quote_fields``, as staged)."""
    _no_vintage(as_of, "provider quotes")
    corridor = f"{source}:{destination}" if source and destination else None
    observed = _observed(store, corridor)
    keys = sorted(k for k in observed if _selected(k, source, destination))
    page, next_cursor = _page(keys, cursor, limit, MAX_QUOTE_CORRIDORS_PAGE)
    items, fields = [], None
    docs = store.publication.staged_docs([(entry["dataset_id"], corridor_key(period, *key.split(":")))
                                          for key in page for period, entry in observed[key].items()])
    for key in page:
        s, d = key.split(":")
        periods = []
        for period, entry in sorted(observed[key].items()):
            doc = docs.get((entry["dataset_id"], corridor_key(period, s, d)))
            if doc is None:
                continue
            fields = fields or list(doc["quote_fields"])
            rows = [dict(zip(doc["quote_fields"], row)) for row in doc["quotes"]]
            periods.append({"period": period, "dataset_id": entry["dataset_id"],
                            "rows": [[r.get(f) for f in fields] for r in rows]})
        items.append({"source": s, "destination": d, "periods": periods})
    return {"quote_fields": fields or [], "items": items, "next_cursor": next_cursor}


def flows_page(store, cursor=None, limit=50, iso3=None, as_of=None):
    """A page of economies (ISO3 order), each with its country series (KNOMAD, WDI)
    and the bilateral-matrix estimates of what each sender sends it, per year."""
    _no_vintage(as_of, "flows")
    economies = [iso3] if iso3 else store.series.flow_economies()
    page, next_cursor = _page(economies, cursor, limit, MAX_ECONOMIES_PAGE)
    series = store.series.country_series(page) if page else {}
    matrix = {}
    for row in store.series.matrix_into(page) if page else ():
        for destination, value in (row.get("flows") or {}).items():
            matrix.setdefault(destination, []).append({"year": row["year"], "source": row["source"],
                                                       "usd_millions": value})
    items = [{"iso3": code, "series": series.get(code, {}),
              "matrix": sorted(matrix.get(code, []), key=lambda m: (m["source"], m["year"]))}
             for code in page if series.get(code) or matrix.get(code)]
    return {"items": items, "next_cursor": next_cursor}
