"""The read side of ingest: what the gateway asks for, shaped for the API."""
from observatory.countries import countries
from observatory.errors import NotFound
from services.ingest.models import (
    BilateralFlows,
    CorridorPeriod,
    CountryFlows,
    Dataset,
    OfficialAverage,
    PeriodIndicators,
)
from services.ingest.store import corridor_key

DATASET_FIELDS = ("kind", "filename", "size", "sha256", "status", "rows_total", "rows_accepted", "rows_rejected",
                  "errors_total", "failure", "periods", "summary", "created_at", "started_at", "finished_at", "year")
OBSERVED = "observed (World Bank RPW survey)"


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _dataset_view(doc, errors_offset=0, errors_limit=100):
    view = {"id": doc["_id"], **{f: _iso(doc.get(f)) for f in DATASET_FIELDS}}
    view["errors"] = doc.get("errors", [])[errors_offset:errors_offset + errors_limit]
    return view


def get_dataset(dataset_id, errors_offset=0, errors_limit=100):
    doc = Dataset._get_collection().find_one({"_id": dataset_id}, {"outbox": 0, "applied_events": 0})
    if doc is None:
        raise NotFound("no such dataset", {"id": dataset_id})
    return _dataset_view(doc, errors_offset, errors_limit)


def list_datasets(offset=0, limit=50, kind=None, status=None):
    query = {k: v for k, v in (("kind", kind), ("status", status)) if v}
    collection = Dataset._get_collection()
    cursor = collection.find(query, {"outbox": 0, "applied_events": 0, "errors": 0}).sort("created_at", -1)
    items = [_dataset_view(d, 0, 0) for d in cursor.skip(offset).limit(limit)]
    return {"items": items, "total": collection.count_documents(query), "offset": offset, "limit": limit}


def _official(period, source, destination):
    doc = OfficialAverage._get_collection().find_one({"_id": corridor_key(period, source, destination)})
    return doc["average_total_cost_pct"] if doc else None


def _quote_view(quote, dataset_id):
    return {"provider": quote["firm"], "firm_type": quote["firm_type"], "product": quote["product"],
            "payment_instrument": quote["payment_instrument"], "access_point": quote["access_point"],
            "pickup_method": quote["pickup_method"], "speed": quote["speed"],
            "fee_pct": quote["fee_pct"], "fx_margin_pct": quote["fx_margin_pct"],
            "total_cost_pct": quote["total_cost_pct"], "total_cost_pct_500": quote["total_cost_pct_500"],
            "transparent": quote["transparent"], "counted_in_average": quote["transparent"] is True,
            "note": quote["note"], "provenance": {"kind": OBSERVED, "dataset_id": dataset_id,
                                                  "source_row_id": quote["source_id"]}}


def corridor(source, destination, period=None):
    query = {"source": source, "destination": destination}
    if period:
        query["period"] = period
    docs = list(CorridorPeriod._get_collection().find(query, {"outbox": 0, "applied_events": 0}))
    if not docs:
        raise NotFound(f"no observed prices for {source} → {destination}" + (f" in {period}" if period else ""),
                       {"source": source, "destination": destination, "period": period})
    doc = max(docs, key=lambda d: d["period"])
    figures = {k: v for k, v in doc["figures"].items() if k != "sum_total_cost_pct"}
    fields = doc["quote_fields"]
    quotes = sorted((_quote_view(dict(zip(fields, q)), doc["dataset_id"]) for q in doc["quotes"]),
                    key=lambda q: (not q["counted_in_average"], q["total_cost_pct"]))
    return {"source": source, "destination": destination, "period": doc["period"], **figures,
            "official_average_pct": _official(doc["period"], source, destination),
            "dataset_id": doc["dataset_id"], "superseded_datasets": doc.get("superseded_datasets", []),
            "quotes": quotes}


def corridor_history(source, destination):
    projection = {"period": 1, "figures.average_total_cost_pct": 1, "figures.smart_average_pct": 1,
                  "figures.average_total_cost_pct_500": 1, "figures.quotes_transparent": 1}
    observed = {d["period"]: d["figures"] for d in CorridorPeriod._get_collection().find(
        {"source": source, "destination": destination}, projection)}
    official = {d["period"]: d["average_total_cost_pct"] for d in OfficialAverage._get_collection().find(
        {"source": source, "destination": destination}, {"period": 1, "average_total_cost_pct": 1})}
    if not observed and not official:
        raise NotFound(f"no data for {source} → {destination}", {"source": source, "destination": destination})
    periods = sorted(set(observed) | set(official))
    return {"source": source, "destination": destination, "items": [
        {"period": p, "average_total_cost_pct": observed.get(p, {}).get("average_total_cost_pct"),
         "average_total_cost_pct_500": observed.get(p, {}).get("average_total_cost_pct_500"),
         "smart_average_pct": observed.get(p, {}).get("smart_average_pct"),
         "quotes_transparent": observed.get(p, {}).get("quotes_transparent"),
         "official_average_pct": official.get(p)} for p in periods]}


def list_corridors(period=None, source=None, destination=None, offset=0, limit=50):
    period = period or latest_period()
    query = {k: v for k, v in (("period", period), ("source", source), ("destination", destination)) if v}
    projection = {"period": 1, "source": 1, "destination": 1, "figures.average_total_cost_pct": 1,
                  "figures.smart_average_pct": 1, "figures.quotes_transparent": 1, "figures.cheapest_provider": 1}
    docs = sorted(CorridorPeriod._get_collection().find(query, projection), key=lambda d: d["_id"])
    return {"period": period, "total": len(docs), "offset": offset, "limit": limit, "items": [
        {"source": d["source"], "destination": d["destination"], "period": d["period"], **d["figures"]}
        for d in docs[offset:offset + limit]]}


def latest_period():
    periods = PeriodIndicators._get_collection().find({"figures": {"$exists": True}}).distinct("_id")
    return max(periods) if periods else None


def indicators(period=None):
    periods = sorted(PeriodIndicators._get_collection().distinct("_id"))
    if not periods:
        raise NotFound("no indicators yet: import rpw-quotes first")
    period = period or periods[-1]
    doc = PeriodIndicators._get_collection().find_one({"_id": period}, {"figures": 1})
    if doc is None or "figures" not in doc:
        raise NotFound(f"no indicators for {period}", {"period": period, "available": periods})
    return {**doc["figures"], "available_periods": periods}


def country_profile(iso3, top=10):
    country = countries().get(iso3)
    if country is None:
        raise NotFound(f"unknown country {iso3}", {"iso3": iso3})
    period = latest_period()
    figures = (PeriodIndicators._get_collection().find_one({"_id": period}, {"figures": 1}) or {}).get("figures", {})
    flows_doc = CountryFlows._get_collection().find_one({"_id": iso3}) or {}
    matrix_years = sorted(BilateralFlows._get_collection().distinct("year"))
    senders, matrix_year = [], None
    if matrix_years:
        matrix_year = matrix_years[-1]
        for row in BilateralFlows._get_collection().find({"year": matrix_year, "destinations": iso3},
                                                         {"source": 1, "flows": 1}):
            senders.append({"source": row["source"], "usd_millions": row["flows"][iso3]})
        senders.sort(key=lambda s: -s["usd_millions"])
    corridors = sorted({(d["source"], d["destination"]) for d in CorridorPeriod._get_collection().find(
        {"$or": [{"source": iso3}, {"destination": iso3}]}, {"source": 1, "destination": 1})})
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
