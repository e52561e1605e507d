"""The read side of ingest: what the gateway asks for, shaped for the API."""
from observatory.clock import iso
from observatory.countries import countries
from observatory.errors import NotFound
from observatory.health import PROCESS_STARTED_AT
from observatory.mongo import uses_real_server
from observatory.pagination import AfterCursor, decode_cursor, encode_cursor
from observatory.vocabulary import SERIES_LABELS
from services.ingest import as_of as vintage
from services.ingest.keys import corridor_key
from services.ingest.national_reads import country_national
from services.ingest.publication_plan import staged_figures
from services.ingest.store import STORE_ALIAS
from services.ingest.store_datasets import LISTED

DATASET_FIELDS = ("kind", "filename", "size", "sha256", "status", "rows_total", "rows_accepted", "rows_rejected",
                  "errors_total", "failure", "failure_details", "periods", "summary", "review", "created_at",
                  "started_at", "finished_at", "published_at", "year")
OBSERVED = "observed (World Bank RPW survey)"

def _dataset_view(doc, errors_offset=0, errors_limit=100):
    view = {"id": doc["_id"], **{f: iso(doc.get(f)) for f in DATASET_FIELDS}}
    view["errors"] = doc.get("errors", [])[errors_offset:errors_offset + errors_limit]
    return view


def get_dataset(store, dataset_id, errors_offset=0, errors_limit=100):
    doc = store.datasets.dataset(dataset_id, {k: v for k, v in LISTED.items() if k != "errors"})
    if doc is None:
        if not uses_real_server(STORE_ALIAS):
            raise NotFound(f"no such dataset: this ingest keeps data in process and started at {PROCESS_STARTED_AT}; "
                           "datasets imported before that were lost with the previous process",
                           {"id": dataset_id, "store": "in-process (not kept)", "started_at": PROCESS_STARTED_AT})
        raise NotFound("no such dataset", {"id": dataset_id})
    return _dataset_view(doc, errors_offset, errors_limit)


def list_datasets(store, cursor=None, limit=50, kind=None, status=None):
    """Datasets newest first, ``limit`` a page; ``next_cursor`` continues after the last one."""
    page, total = store.datasets.page_newest_first(kind, status, cursor, limit)
    return page.answer(lambda d: _dataset_view(d, 0, 0), total=total)


def observed_firm_datasets(store):
    """The published datasets of quotes, oldest first: the ones whose firms
    were announced (``firms.observed``), for a catalog that rebuilds its registry."""
    return {"items": [{"dataset_id": d["_id"], "published_at": iso(d.get("published_at"))}
                      for d in store.datasets.published_quote_datasets()]}


def observed_firms(store, dataset_id):
    """The firms a published dataset of quotes names, as its ``firms.observed`` said them."""
    doc = store.datasets.published_quote_dataset_firms(dataset_id)
    if doc is None:
        raise NotFound("no such published dataset of quotes", {"id": dataset_id})
    return {"dataset_id": dataset_id, "firms": store.datasets.firms_of(doc)}


def _three_series(view, source, destination):
    """{period: entry} of the corridor in each series: observed (every published period), official, derived."""
    key = f"{source}:{destination}"
    observed = {period: state["corridors"][key] for period, state in view.states(key).items()
                if key in state.get("corridors", {})}
    return observed, view.corridor_series("official", key), view.corridor_series("derived", key)


def _value(entry):
    return entry.get("average_total_cost_pct") if entry else None


def _headline(observed, official, derived):
    """DESIGN §5: observed where quotes exist, else official, else derived; never blended."""
    for name, entry in (("observed", observed), ("official", official), ("derived", derived)):
        if _value(entry) is not None:
            return _value(entry), name
    return None, None


def _quote_view(quote, dataset_id):
    return {"provider": quote["firm"], "firm_type": quote["firm_type"], "product": quote["product"],
            "payment_instrument": quote["payment_instrument"], "access_point": quote["access_point"],
            "pickup_method": quote["pickup_method"], "speed": quote["speed"],
            "fee_pct": quote["fee_pct"], "fx_margin_pct": quote["fx_margin_pct"],
            "total_cost_pct": quote["total_cost_pct"], "total_cost_pct_500": quote["total_cost_pct_500"],
            "transparent": quote["transparent"], "counted_in_average": quote["transparent"] is True,
            "note": quote["note"], "provenance": {"kind": OBSERVED, "dataset_id": dataset_id,
                                                  "source_row_id": quote["source_id"]}}


def corridor(store, source, destination, period=None, as_of=None):
    """The corridor in ``period`` (default: the latest quarter of any series), as published now or at
    ``as_of``."""
    view = vintage.published(store, as_of)
    observed, official, derived = _three_series(view, source, destination)
    periods = set(observed) | set(official) | set(derived)
    if not periods or (period and period not in periods):
        raise NotFound(f"no figures for {source} → {destination}" + (f" in {period}" if period else ""),
                       {"source": source, "destination": destination, "period": period,
                        "latest_period": max(periods) if periods else None})
    period = period or max(periods)
    headline, source_series = _headline(observed.get(period), official.get(period), derived.get(period))
    answer = {"source": source, "destination": destination, "period": period,
              "average_total_cost_pct": headline, "average_source": source_series,
              "official_average_pct": _value(official.get(period)), "derived_average_pct": _value(derived.get(period)),
              "series": {name: SERIES_LABELS[name] for name, values in
                         (("observed", observed), ("official", official), ("derived", derived)) if period in values}}
    if period not in observed:
        entry = official.get(period) or derived.get(period)
        return {**answer, "smart_average_pct": None, "services": None, "quotes": [], "dataset_id": entry["dataset_id"],
                "other_datasets": [], "vintage": view.vintage}
    doc = store.publication.staged_doc(observed[period]["dataset_id"], corridor_key(period, source, destination))
    figures = {k: v for k, v in staged_figures(doc).items() if k not in ("sum_total_cost_pct", "average_total_cost_pct")}
    fields = doc["quote_fields"]
    quotes = sorted((_quote_view(dict(zip(fields, q)), doc["dataset_id"]) for q in doc["quotes"]),
                    key=lambda q: (not q["counted_in_average"], q["total_cost_pct"]))
    other = sorted(view.datasets(store.publication.datasets_staged_for(period, source, destination))
                   - {doc["dataset_id"]})
    return {**figures, **answer, "dataset_id": doc["dataset_id"], "other_datasets": other, "quotes": quotes,
            "vintage": view.vintage}


def corridor_history(store, source, destination, as_of=None):
    """Every quarter of every series, each labelled; the headline per DESIGN §5."""
    view = vintage.published(store, as_of)
    observed, official, derived = _three_series(view, source, destination)
    periods = sorted(set(observed) | set(official) | set(derived))
    if not periods:
        raise NotFound(f"no data for {source} → {destination}", {"source": source, "destination": destination})
    items = []
    for p in periods:
        headline, source_series = _headline(observed.get(p), official.get(p), derived.get(p))
        items.append({"period": p, "average_total_cost_pct": headline, "average_source": source_series,
                      "observed_average_pct": _value(observed.get(p)),
                      "official_average_pct": _value(official.get(p)), "derived_average_pct": _value(derived.get(p)),
                      "smart_average_pct": observed.get(p, {}).get("smart_average_pct"),
                      "quotes_transparent": observed.get(p, {}).get("quotes_transparent"),
                      "dataset_id": observed.get(p, {}).get("dataset_id")})
    return {"source": source, "destination": destination, "series": SERIES_LABELS, "items": items,
            "vintage": view.vintage}


def list_corridors(store, period=None, source=None, destination=None, cursor=None, limit=50, as_of=None):
    """Every corridor with a figure in ``period`` (default: the latest quarter of any series), in corridor
    order ("SRC:DST"), ``limit`` a page; ``next_cursor`` continues after the last one."""
    after = decode_cursor(cursor, AfterCursor).get("after")
    view = vintage.published(store, as_of)
    published_periods = view.periods()
    period = period or max(set(published_periods) | view.series_periods(), default=None)
    state_id = published_periods.get(period)
    observed = (store.publication.load_states([state_id]).get(period, {}) if state_id else {}).get("corridors", {})
    other = view.series_in_period(period)
    official, derived = other.get("official", {}), other.get("derived", {})
    items, total = [], 0
    for key in sorted(set(observed) | set(official) | set(derived)):
        s, d = key.split(":")
        if (source and s != source) or (destination and d != destination):
            continue
        total += 1
        if (after is not None and key <= after) or len(items) > limit:
            continue
        headline, source_series = _headline(observed.get(key), official.get(key), derived.get(key))
        entry = observed.get(key, {})
        items.append({"source": s, "destination": d, "period": period, "average_total_cost_pct": headline,
                      "average_source": source_series, "official_average_pct": _value(official.get(key)),
                      "derived_average_pct": _value(derived.get(key)),
                      **{k: entry.get(k) for k in ("smart_average_pct", "quotes_transparent", "cheapest_provider")}})
    more, items = len(items) > limit, items[:limit]
    next_cursor = encode_cursor({"after": f"{items[-1]['source']}:{items[-1]['destination']}"}) if more and items \
        else None
    return {"period": period, "total": total, "items": items, "next_cursor": next_cursor, "vintage": view.vintage}


def latest_period(view):
    periods = sorted(view.periods())
    return periods[-1] if periods else None


def indicators(store, period=None, as_of=None):
    view = vintage.published(store, as_of)
    published = view.periods()
    periods = sorted(published)
    if not periods:
        raise NotFound("no indicators were published yet at that time" if as_of else
                       "no indicators yet: import rpw-quotes first", {"period": period, "available": []})
    period = period or periods[-1]
    if period not in published:  # computed from quote-level data only: never invented from averages
        raise NotFound(f"no indicators for {period}: they are computed from provider quotes, and none are "
                       "published for that quarter", {"period": period, "available": periods})
    state = store.publication.load_states([published[period]])[period]
    return {**state["figures"], "available_periods": periods, "vintage": view.vintage}


def _period_figures(store, view, period):
    state_id = view.periods().get(period)
    return store.publication.load_states([state_id]).get(period, {}).get("figures", {}) if state_id else {}


def country_summaries(store, iso3s, as_of=None):
    """The costs and flow series of several countries at once (the LDC lens):
    one pass over the latest figures and one query for the series, where a
    profile each would repeat both."""
    known = [c for c in (countries().get(iso3) for iso3 in iso3s) if c is not None]
    view = vintage.published(store, as_of)
    period = latest_period(view)
    figures = _period_figures(store, view, period) if period else {}
    series = view.country_series([c.iso3 for c in known])
    return {"period": period, "vintage": view.vintage, "items": [{
        "country": c.as_dict(period), "period": period,
        "average_cost_to_receive_pct": figures.get("by_receiving_country", {}).get(c.iso3, {}).get("average_pct"),
        "average_cost_to_send_pct": figures.get("by_sending_country", {}).get(c.iso3, {}).get("average_pct"),
        "series": series.get(c.iso3, {})} for c in known]}


def country_profile(store, iso3, top=10, as_of=None):
    country = countries().get(iso3)
    if country is None:
        raise NotFound(f"unknown country {iso3}", {"iso3": iso3})
    view = vintage.published(store, as_of)
    period = latest_period(view)
    figures = _period_figures(store, view, period) if period else {}
    matrix_years = view.matrix_years()
    matrix_year = matrix_years[-1] if matrix_years else None
    senders = sorted(view.senders_to(matrix_year, iso3), key=lambda s: -s["usd_millions"]) if matrix_years else []
    corridors = sorted({tuple(key.split(":")) for state in view.states().values()
                        for key in state.get("corridors", {}) if iso3 in key.split(":")})
    return {
        "country": country.as_dict(period),
        "period": period,
        "average_cost_to_receive_pct": figures.get("by_receiving_country", {}).get(iso3, {}).get("average_pct"),
        "average_cost_to_send_pct": figures.get("by_sending_country", {}).get(iso3, {}).get("average_pct"),
        "series": view.country_series([iso3]).get(iso3, {}),
        "top_sending_countries": {"year": matrix_year, "estimate": "model estimate (KNOMAD/World Bank matrix)",
                                  "items": senders[:top]},
        "corridors": [{"source": s, "destination": d} for s, d in corridors],
        "vintage": view.vintage,
        "national": country_national(store, iso3, view),  # the reporting institution's series, never mixed in
    }
