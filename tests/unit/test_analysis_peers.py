"""Peer benchmarks, against ranks and counts computed from the raw WDI and
World Bank classification files."""
import csv

import pytest

from observatory.analysis.peers import (competition_ranks, newest_per_country, peer_benchmark, peer_groups,
                                        surveyed_providers)
from observatory.errors import InvalidInput
from tests.conftest import SHARED_DATA
from tests.unit.analysis_files import flow_records, quotes, raw_quote_rows, raw_wdi

COUNTRIES = ["NPL", "SEN", "HTI"]


def _classification():
    with open(SHARED_DATA / "reference" / "wb_class_fy2025_list_of_economies.csv", encoding="utf-8-sig") as f:
        return {r["Code"]: r for r in csv.DictReader(f) if r["Region"]}


def _indicators():
    return {"inflows_pct_gdp": newest_per_country(flow_records(), "wdi_inflows_pct_gdp"),
            "cost_to_receive_pct": newest_per_country(flow_records(), "wdi_cost_to_receive_pct"),
            "inflows_usd_millions": newest_per_country(flow_records(), "knomad_inflows_usd_m"),
            "surveyed_providers_to_receive": surveyed_providers(quotes())}


@pytest.fixture(scope="module")
def indicators():
    return _indicators()


def _raw_newest(name, members):
    table = raw_wdi(name)
    return {m: table[m][max(table[m])] for m in members if table.get(m)}


@pytest.mark.parametrize("iso3", COUNTRIES)
@pytest.mark.parametrize("indicator,wdi_file,first", [("inflows_pct_gdp", "inflows_pct_gdp", "highest"),
                                                      ("cost_to_receive_pct", "cost_to_receive", "lowest")])
def test_the_rank_in_the_region_and_income_group_equals_the_wdi_file(indicators, iso3, indicator, wdi_file, first):
    classification = _classification()
    benchmark = peer_benchmark(iso3, indicators)
    for kind, column in (("region", "Region"), ("income_group", "Income group")):
        group = next(g for g in benchmark["groups"] if g["kind"] == kind)
        assert group["name"] == classification[iso3][column]
        members = {c for c, r in classification.items() if r[column] == classification[iso3][column]}
        values = _raw_newest(wdi_file, members)
        better = [v for v in values.values() if (v > values[iso3] if first == "highest" else v < values[iso3])]
        result = group["indicators"][indicator]
        assert result["rank"] == len(better) + 1
        assert result["ranked"] == len(values)
        assert result["members_without_value"] == result["members"] - len(values)


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_the_group_average_uses_only_members_of_one_year(indicators, iso3):
    group = next(g for g in peer_benchmark(iso3, indicators)["groups"] if g["kind"] == "ldc")
    result = group["indicators"]["inflows_pct_gdp"]
    aggregate = result["aggregate"]
    same_year = [r["value"] for r in result["rows"] if r["period"] == aggregate["period"]]
    assert aggregate["rows_used"] == len(same_year)
    assert abs(aggregate["value"] - sum(same_year) / len(same_year)) < 1e-9
    assert aggregate["rows_in_group"] == result["members"]


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_the_surveyed_providers_are_the_distinct_firms_of_the_newest_quarter(indicators, iso3):
    raw = [r for r in raw_quote_rows() if r["destination"] == iso3]
    newest = max(r["period"] for r in raw)
    figure = indicators["surveyed_providers_to_receive"][iso3]
    assert (figure["value"], figure["period"]) == (len({r["firm"] for r in raw if r["period"] == newest}), newest)


def test_chosen_peers_form_their_own_group(indicators):
    benchmark = peer_benchmark("NPL", indicators, peers=["BGD", "HTI"])
    peers = next(g for g in benchmark["groups"] if g["kind"] == "peers")
    assert {r["iso3"] for r in peers["indicators"]["inflows_usd_millions"]["rows"]} == {"NPL", "BGD", "HTI"}


def test_ties_share_the_best_rank_and_missing_values_are_not_ranked(indicators):
    real = dict(list(indicators["inflows_pct_gdp"].items())[:3])
    values = {k: v["value"] for k, v in real.items()}
    first, second, third = sorted(values, key=values.get)
    values[third] = values[second]  # a tie made from real values
    assert competition_ranks(values) == {first: 1, second: 2, third: 2}
    without_nepal = {**indicators, "inflows_pct_gdp": {k: v for k, v in indicators["inflows_pct_gdp"].items()
                                                       if k != "NPL"}}
    group = peer_benchmark("NPL", without_nepal)["groups"][0]["indicators"]["inflows_pct_gdp"]
    assert group["rank"] is None and group["country"] is None and group["members_without_value"] >= 1


def test_unknown_countries_and_peers_are_refused():
    with pytest.raises(InvalidInput):
        peer_groups("XXX")
    with pytest.raises(InvalidInput):
        peer_groups("NPL", peers=("NPL", "ZZZ"))
