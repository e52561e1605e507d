"""The policy analysis answers (issue 20), composed from what ingest
publishes: plain functions over the rows its RPCs return (corridor figures of
every series, country flow series), calling ``observatory.analysis``. No
nameko, no I/O: the resource (``gateway.resources.analysis``) fetches, these
compute, tests call them on the real files."""
from collections import defaultdict

from observatory.analysis.newest import newest_by, one_vintage_aggregate
from observatory.analysis.peers import newest_per_country, peer_benchmark
from observatory.analysis.quality import quality_flags
from observatory.analysis.sdg import area_averages, sdg_tracker
from observatory.analysis.whatif import latest_inflow, whatif_savings
from observatory.countries import countries
from observatory.errors import NotFound

LDC = "LDC"  # the group code the SDG tracker also answers for
SOURCES = {"observed": "computed here from World Bank RPW provider quotes (USD 200, transparent quotes)",
           "official": "World Bank RPW corridor averages (DataBank)",
           "derived": "third-party means of World Bank RPW quotes (not an official series)"}
COUNTRY_METHOD = ("a country's cost in a period and series: the simple mean of the averages of the corridors into "
                  "(to receive) or out of (to send) it in that period and series; series are never blended")
SURVEYED_PROVIDERS = ("World Bank RPW provider quotes: the distinct providers quoted {side} the country in its "
                      "newest surveyed quarter")
INFLOW_PCT_GDP = ("wdi_inflows_pct_gdp", "knomad_inflows_pct_gdp")


def ldc_members():
    return {c.iso3 for c in countries().by_iso3.values() if c.is_ldc()}


def flow_records(summaries):
    """The ``country-flows`` records (``{"iso3", "series", "source", "values"}``)
    of ingest's ``country_summaries`` items or profiles."""
    return [{"iso3": s["country"]["iso3"], "series": name, "source": entry.get("source") or name,
             "label": entry.get("label"), "values": {str(y): v for y, v in (entry.get("values") or {}).items()}}
            for s in summaries for name, entry in (s.get("series") or {}).items()]


def flags_for(figure, today, corridors=None, rows_in_group=None, quotes=None, transparent=None):
    """The quality flags of one published figure (``{"value", "series", "period"}``)."""
    if not figure:
        return None
    flags = quality_flags(series=figure["series"], period=figure["period"], today=today,
                          rows_used=corridors, rows_in_group=rows_in_group)
    if quotes is not None:
        flags.update(quotes=quotes, quotes_non_transparent=quotes - (transparent or 0))
    return flags


def _observed_counts(figures, members, side, period):
    rows = [f for f in figures if f["series"] == "observed" and f["period"] == period and f[side] in members]
    if not rows or any(r.get("quotes_total") is None for r in rows):
        return None, None
    return sum(r["quotes_total"] for r in rows), sum(r.get("quotes_transparent") or 0 for r in rows)


def headline(tracker, figures, members, today):
    """The tracker's newest figure with its source, method and quality flags."""
    figure = tracker["headline"]
    if figure is None:
        return None
    side = "destination" if tracker["direction"] == "receiving" else "source"
    row = next(r for r in tracker["averages"] if (r["series"], r["period"]) == (figure["series"], figure["period"]))
    quotes, transparent = (_observed_counts(figures, members, side, figure["period"])
                           if figure["series"] == "observed" else (None, None))
    return {**figure, "corridors": row["corridors"], "source": SOURCES[figure["series"]], "method": COUNTRY_METHOD,
            "quality": flags_for(figure, today, quotes=quotes, transparent=transparent)}


def sdg_answer(area, figures, today):
    """``GET /api/v1/countries/{iso3}/sdg`` (``area`` an ISO3, or ``LDC``)."""
    if area == LDC:
        members, name = ldc_members(), "Least developed countries"
    else:
        country = countries().get(area)
        if country is None:
            raise NotFound(f"unknown country {area}", {"iso3": area})
        members, name = {area}, country.name
    answer = {"area": area, "name": name, "members": len(members)}
    for direction in ("receiving", "sending"):
        tracker = sdg_tracker(figures, members, direction)
        for row in tracker["corridors_above_ceiling"]:
            row["period"], row["series"] = tracker["headline"]["period"], tracker["headline"]["series"]
        answer[direction] = {**tracker, "headline": headline(tracker, figures, members, today)}
    return answer


def newest_country_costs(figures, direction):
    """``{iso3: {"value", "period", "series", "corridors"}}``: each country's
    newest cost to receive (or send), ``COUNTRY_METHOD``, in one pass."""
    side = "destination" if direction == "receiving" else "source"
    by_country = defaultdict(list)
    for figure in figures:
        by_country[figure[side]].append(figure)
    newest = {}
    for iso3, rows in by_country.items():
        averages = area_averages(rows, {iso3}, direction)
        best = newest_by(averages, key=lambda r: iso3).get(iso3)
        if best:
            match = next(r for r in averages if (r["series"], r["period"]) == (best["series"], best["period"]))
            newest[iso3] = {**best, "corridors": match["corridors"]}
    return newest


def _newest_flow(records, series_names):
    merged = {}
    for name in reversed(series_names):  # the first named wins where both have the country
        merged.update(newest_per_country(records, name))
    return merged


def peer_indicators(figures, summaries=None, flows=None):
    """``{indicator: {iso3: newest figure}}`` of every country (the peers' inputs), from the flow
    series of ingest's ``summaries`` or its ``flows`` records."""
    records = flow_records(summaries) if flows is None else flows
    return {"cost_to_receive_pct": newest_country_costs(figures, "receiving"),
            "cost_to_send_pct": newest_country_costs(figures, "sending"),
            "inflows_usd_millions": _newest_flow(records, ("knomad_inflows_usd_m", "wdi_inflows_usd_m")),
            "inflows_pct_gdp": _newest_flow(records, INFLOW_PCT_GDP)}


def peers_answer(iso3, figures, summaries, peers=(), indicators=None):
    """``GET /api/v1/countries/{iso3}/peers``: the benchmark of each indicator
    in the country's region, income group, the LDCs and the chosen peers
    (``indicators``: ``peer_indicators``, when computed already)."""
    if countries().get(iso3) is None:
        raise NotFound(f"unknown country {iso3}", {"iso3": iso3})
    indicators = indicators or peer_indicators(figures, summaries)
    return {**peer_benchmark(iso3, indicators, peers), "peers": list(peers),
            "sources": {"cost_to_receive_pct": COUNTRY_METHOD, "cost_to_send_pct": COUNTRY_METHOD,
                        "inflows_usd_millions": "KNOMAD/World Bank, else WDI (BX.TRF.PWKR.CD.DT)",
                        "inflows_pct_gdp": "WDI (BX.TRF.PWKR.DT.GD.ZS), else KNOMAD",
                        "surveyed_providers_to_receive": SURVEYED_PROVIDERS.format(side="into"),
                        "surveyed_providers_to_send": SURVEYED_PROVIDERS.format(side="out of")}}


def corridor_newest(figures, source, destination):
    """The newest figure of one corridor in any series (observed, official, derived)."""
    rows = [f for f in figures if (f["source"], f["destination"]) == (source, destination)]
    return newest_by(rows, key=lambda f: "corridor").get("corridor")


def whatif_answer(country, figures, profile, target_pct, corridor=None, today=None, flows=None):
    """``GET /api/v1/whatif``: a country's savings from its newest cost to
    receive and latest inflows, or a corridor's from its newest cost and its
    bilateral-matrix flow (``profile`` is the receiving country's; a
    country's inflows are read from ``flows`` records when given, else from it)."""
    if corridor:
        source, destination = corridor
        cost = corridor_newest(figures, source, destination)
        senders = profile.get("top_sending_countries") or {}
        flow = next((s for s in senders.get("items") or [] if s["source"] == source), None)
        inflows = {"value": flow["usd_millions"], "year": senders.get("year"),
                   "source": f"bilateral remittance matrix {senders.get('year')}, "
                             f"{senders.get('estimate') or 'a model estimate'}"} if flow else None
        answer = whatif_savings(destination, cost, inflows, target_pct, corridor=f"{source}-{destination}")
    else:
        cost = newest_country_costs(figures, "receiving").get(country)
        inflows = latest_inflow(flow_records([profile]) if flows is None else flows, country)
        answer = whatif_savings(country, cost, inflows, target_pct)
    answer["cost_source"] = SOURCES.get(answer["cost_series"]) if answer["cost_series"] else None
    answer["quality"] = flags_for(cost, today) if cost and today else None
    return answer


def newest_overview(figures, members=None, today=None):
    """The newest figure of each corridor (into ``members`` when given) and the
    one-vintage mean over them, with its coverage (never mixing periods or series)."""
    rows = [f for f in figures if members is None or f["destination"] in members]
    newest = newest_by(rows, key=lambda f: (f["source"], f["destination"]))
    combined = one_vintage_aggregate([{"source": s, "destination": d, **fig} for (s, d), fig in newest.items()])
    aggregate = combined["aggregate"]
    if aggregate and today:
        aggregate["quality"] = flags_for(aggregate, today, aggregate["rows_used"], aggregate["rows_in_group"])
    return {"aggregate": aggregate, "other_vintages": combined["other_vintages"], "corridors": len(newest)}
