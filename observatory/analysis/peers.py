"""Peer benchmarks (issue 20 §4): a country against its World Bank region,
its income group, the LDCs (the UN list now) and peers the user picks.

``indicators`` maps an indicator name to ``{iso3: {"value", "period",
"series"}}``: each country's own newest figure, its period and series (or
source) kept with it.
"""
from observatory.analysis.newest import one_vintage_aggregate
from observatory.countries import countries
from observatory.errors import InvalidInput

# Which end of an indicator ranks first: the cheapest cost, the largest flow.
RANK_FIRST = {"cost_to_receive_pct": "lowest", "cost_to_send_pct": "lowest", "inflows_usd_millions": "highest",
              "inflows_pct_gdp": "highest", "surveyed_providers_to_receive": "highest",
              "surveyed_providers_to_send": "highest"}
RANK_METHOD = ("competition ranking: rank 1 is the lowest cost or the highest flow and provider count; equal "
               "values share the best rank (1, 2, 2, 4); members without a value are not ranked and are counted "
               "in members_without_value; ranks compare each member's own newest figure, whatever its period")
MAX_PEERS = 30


def newest_per_country(flow_records, series):
    """``{iso3: {"value", "period", "series"}}``: each country's newest year
    with a value in one ``country-flows`` series (the record's source named)."""
    newest = {}
    for record in flow_records:
        years = [int(y) for y, v in record["values"].items() if v is not None]
        if record["series"] == series and years:
            year = max(years)
            newest[record["iso3"]] = {"value": record["values"][str(year)], "period": str(year),
                                      "series": record["source"]}
    return newest


def surveyed_providers(quotes):
    """``{destination: {"value", "period", "series"}}``: the distinct firms
    quoted into each country in its newest surveyed period."""
    firms = {}
    for q in quotes:
        firms.setdefault((q["destination"], q["period"]), set()).add(q["firm"])
    newest = {}
    for (destination, period), names in firms.items():
        if destination not in newest or period > newest[destination]["period"]:
            newest[destination] = {"value": len(names), "period": period, "series": "observed"}
    return newest


def competition_ranks(values, first="lowest"):
    """``{key: rank}`` for ``{key: number}``; ties share the best rank."""
    ordered = sorted(values.values(), reverse=first == "highest")
    return {key: ordered.index(value) + 1 for key, value in values.items()}


def peer_groups(iso3, peers=(), table=None):
    """``[(kind, name, member ISO3s)]`` for the country's region, income
    group, the LDCs and the chosen peers (the country itself included in each)."""
    table = table or countries()
    country = table.get(iso3)
    if country is None:
        raise InvalidInput(f"unknown country {iso3!r}", {"country": iso3})
    unknown = [p for p in peers if table.get(p) is None]
    if unknown or len(peers) > MAX_PEERS:
        raise InvalidInput(f"peers must be at most {MAX_PEERS} known ISO3 codes", {"peers": unknown or len(peers)})
    everyone = table.by_iso3.values()
    groups = []
    if country.wb_region:
        groups.append(("region", country.wb_region, {c.iso3 for c in everyone if c.wb_region == country.wb_region}))
    if country.income_group:
        groups.append(("income_group", country.income_group,
                       {c.iso3 for c in everyone if c.income_group == country.income_group}))
    groups.append(("ldc", "Least developed countries", {c.iso3 for c in everyone if c.is_ldc()} | {iso3}))
    if peers:
        groups.append(("peers", "chosen peers", set(peers) | {iso3}))
    return groups


def _benchmark(iso3, members, figures, first):
    present = {m: figures[m] for m in sorted(members) if figures.get(m, {}).get("value") is not None}
    ranks = competition_ranks({m: f["value"] for m, f in present.items()}, first)
    rows = [{"iso3": m, **f, "rank": ranks[m]} for m, f in present.items()]
    combined = one_vintage_aggregate(rows, rows_in_group=len(members),
                                     series_order=tuple(sorted({r["series"] for r in rows})))
    return {"rank": ranks.get(iso3), "ranked": len(ranks), "members": len(members),
            "members_without_value": len(members) - len(present), "country": present.get(iso3),
            "aggregate": combined["aggregate"], "rows": sorted(rows, key=lambda r: r["rank"])}


def peer_benchmark(iso3, indicators, peers=(), table=None):
    """For each group and each indicator of ``RANK_FIRST`` given: the
    country's figure and rank (``RANK_METHOD``), the group's mean over the
    members sharing one period and series (``one_vintage_aggregate``, with
    its coverage of the group) and every member's row."""
    groups = peer_groups(iso3, tuple(peers), table)
    answer = {"country": iso3, "rank_method": RANK_METHOD, "groups": []}
    for kind, name, members in groups:
        answer["groups"].append({"kind": kind, "name": name, "indicators": {
            indicator: _benchmark(iso3, members, indicators[indicator], first)
            for indicator, first in RANK_FIRST.items() if indicator in indicators}})
    return answer
