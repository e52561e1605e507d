"""The read side of ingest: what the gateway asks for, shaped for the API."""
from observatory.countries import countries
from observatory.errors import NotFound
from services.ingest import publication
from observatory.health import PROCESS_STARTED_AT
from observatory.mongo import uses_real_server
from services.ingest.models import STORE_ALIAS, BilateralFlows, CountryFlows, Dataset, OfficialPeriod, StagedCorridorPeriod
from services.ingest.store import corridor_key

DATASET_FIELDS = ("kind", "filename", "size", "sha256", "status", "rows_total", "rows_accepted", "rows_rejected",
                  "errors_total", "failure", "failure_details", "periods", "summary", "review", "created_at",
                  "started_at", "finished_at", "published_at", "year")
OBSERVED = "observed (World Bank RPW survey)"


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _dataset_view(doc, errors_offset=0, errors_limit=100):
    view = {"id": doc["_id"], **{f: _iso(doc.get(f)) for f in DATASET_FIELDS}}
    view["errors"] = doc.get("errors", [])[errors_offset:errors_offset + errors_limit]
    return view


def get_dataset(dataset_id, errors_offset=0, errors_limit=100):
    doc = Dataset._get_collection().find_one({"_id": dataset_id}, {"outbox": 0, "applied_events": 0, "firms": 0})
    if doc is None:
        if not uses_real_server(STORE_ALIAS):
            raise NotFound(f"no such dataset: this ingest keeps data in process and started at {PROCESS_STARTED_AT}; "
                           "datasets imported before that were lost with the previous process",
                           {"id": dataset_id, "store": "in-process (not kept)", "started_at": PROCESS_STARTED_AT})
        raise NotFound("no such dataset", {"id": dataset_id})
    return _dataset_view(doc, errors_offset, errors_limit)


def list_datasets(offset=0, limit=50, kind=None, status=None):
    query = {k: v for k, v in (("kind", kind), ("status", status)) if v}
    collection = Dataset._get_collection()
    cursor = collection.find(query, {"outbox": 0, "applied_events": 0, "errors": 0, "firms": 0}).sort("created_at", -1)
    items = [_dataset_view(d, 0, 0) for d in cursor.skip(offset).limit(limit)]
    return {"items": items, "total": collection.count_documents(query), "offset": offset, "limit": limit}


def _official(period, source, destination):
    key = f"{source}:{destination}"
    doc = OfficialPeriod._get_collection().find_one({"_id": period}, {f"corridors.{key}": 1}) or {}
    return (doc.get("corridors") or {}).get(key, {}).get("average_total_cost_pct")


def _quote_view(quote, dataset_id):
    return {"provider": quote["firm"], "firm_type": quote["firm_type"], "product": quote["product"],
            "payment_instrument": quote["payment_instrument"], "access_point": quote["access_point"],
            "pickup_method": quote["pickup_method"], "speed": quote["speed"],
            "fee_pct": quote["fee_pct"], "fx_margin_pct": quote["fx_margin_pct"],
            "total_cost_pct": quote["total_cost_pct"], "total_cost_pct_500": quote["total_cost_pct_500"],
            "transparent": quote["transparent"], "counted_in_average": quote["transparent"] is True,
            "note": quote["note"], "provenance": {"kind": OBSERVED, "dataset_id": dataset_id,
                                                  "source_row_id": quote["source_id"]}}


def published_corridor_period(period, source, destination):
    """The staged document published for this corridor-period, or None."""
    state_id = publication.current()["periods"].get(period)
    entry = publication.load_states([state_id], f"{source}:{destination}").get(period, {}).get(
        "corridors", {}).get(f"{source}:{destination}") if state_id else None
    if entry is None:
        return None
    return StagedCorridorPeriod._get_collection().find_one(
        {"_id": publication.staged_id(entry["dataset_id"], corridor_key(period, source, destination))})


def _corridor_periods(source, destination):
    """{period: summary} of the corridor in every published period."""
    key = f"{source}:{destination}"
    return {period: state["corridors"][key] for period, state in publication.published_states(key).items()
            if key in state.get("corridors", {})}


def corridor(source, destination, period=None):
    periods = _corridor_periods(source, destination)
    if period and period not in periods or not periods:
        raise NotFound(f"no observed prices for {source} → {destination}" + (f" in {period}" if period else ""),
                       {"source": source, "destination": destination, "period": period})
    period = period or max(periods)
    doc = StagedCorridorPeriod._get_collection().find_one(
        {"_id": publication.staged_id(periods[period]["dataset_id"], corridor_key(period, source, destination))})
    figures = {k: v for k, v in doc["figures"].items() if k != "sum_total_cost_pct"}
    fields = doc["quote_fields"]
    quotes = sorted((_quote_view(dict(zip(fields, q)), doc["dataset_id"]) for q in doc["quotes"]),
                    key=lambda q: (not q["counted_in_average"], q["total_cost_pct"]))
    other = sorted({d["dataset_id"] for d in StagedCorridorPeriod._get_collection().find(
        {"period": period, "source": source, "destination": destination}, {"dataset_id": 1})} - {doc["dataset_id"]})
    return {"source": source, "destination": destination, "period": period, **figures,
            "official_average_pct": _official(period, source, destination),
            "dataset_id": doc["dataset_id"], "other_datasets": other, "quotes": quotes}


def corridor_history(source, destination):
    observed = _corridor_periods(source, destination)
    key = f"{source}:{destination}"
    official = {d["_id"]: d["corridors"][key]["average_total_cost_pct"] for d in OfficialPeriod._get_collection().find(
        {f"corridors.{key}": {"$exists": True}}, {f"corridors.{key}": 1})}
    if not observed and not official:
        raise NotFound(f"no data for {source} → {destination}", {"source": source, "destination": destination})
    periods = sorted(set(observed) | set(official))
    return {"source": source, "destination": destination, "items": [
        {"period": p, "average_total_cost_pct": observed.get(p, {}).get("average_total_cost_pct"),
         "smart_average_pct": observed.get(p, {}).get("smart_average_pct"),
         "quotes_transparent": observed.get(p, {}).get("quotes_transparent"),
         "dataset_id": observed.get(p, {}).get("dataset_id"),
         "official_average_pct": official.get(p)} for p in periods]}


def list_corridors(period=None, source=None, destination=None, offset=0, limit=50):
    period = period or latest_period()
    state_id = publication.current()["periods"].get(period)
    state = publication.load_states([state_id]).get(period, {}) if state_id else {}
    items = []
    for key, entry in sorted(state.get("corridors", {}).items()):
        s, d = key.split(":")
        if (source and s != source) or (destination and d != destination):
            continue
        items.append({"source": s, "destination": d, "period": period,
                      **{k: entry.get(k) for k in ("average_total_cost_pct", "smart_average_pct",
                                                   "quotes_transparent", "cheapest_provider")}})
    return {"period": period, "total": len(items), "offset": offset, "limit": limit,
            "items": items[offset:offset + limit]}


def latest_period():
    periods = publication.published_periods()
    return periods[-1] if periods else None


def indicators(period=None):
    published = publication.current()["periods"]
    periods = sorted(published)
    if not periods:
        raise NotFound("no indicators yet: import rpw-quotes first")
    period = period or periods[-1]
    if period not in published:
        raise NotFound(f"no indicators for {period}", {"period": period, "available": periods})
    state = publication.load_states([published[period]])[period]
    return {**state["figures"], "available_periods": periods}


def _period_figures(period):
    state_id = publication.current()["periods"].get(period)
    return publication.load_states([state_id]).get(period, {}).get("figures", {}) if state_id else {}


def country_profile(iso3, top=10):
    country = countries().get(iso3)
    if country is None:
        raise NotFound(f"unknown country {iso3}", {"iso3": iso3})
    period = latest_period()
    figures = _period_figures(period) if period else {}
    flows_doc = CountryFlows._get_collection().find_one({"_id": iso3}) or {}
    matrix_years = sorted(BilateralFlows._get_collection().distinct("year"))
    senders, matrix_year = [], None
    if matrix_years:
        matrix_year = matrix_years[-1]
        for row in BilateralFlows._get_collection().find({"year": matrix_year, "destinations": iso3},
                                                         {"source": 1, "flows": 1}):
            senders.append({"source": row["source"], "usd_millions": row["flows"][iso3]})
        senders.sort(key=lambda s: -s["usd_millions"])
    corridors = sorted({tuple(key.split(":")) for state in publication.published_states().values()
                        for key in state.get("corridors", {}) if iso3 in key.split(":")})
    return {
        "country": country.as_dict(period),
        "period": period,
        "average_cost_to_receive_pct": figures.get("by_receiving_country", {}).get(iso3, {}).get("average_pct"),
        "average_cost_to_send_pct": figures.get("by_sending_country", {}).get(iso3, {}).get("average_pct"),
        "series": flows_doc.get("series", {}),
        "top_sending_countries": {"year": matrix_year, "estimate": "model estimate (KNOMAD/World Bank matrix)",
                                  "items": senders[:top]},
        "corridors": [{"source": s, "destination": d} for s, d in corridors],
    }
