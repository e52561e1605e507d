"""The corridor-cost dataflow's content beyond the USD 200 series: the observed
USD 500 average (from the quotes' cc2 cost, as the USD 200 one from cc1), the
DECLARED series (providers' declared prices, costed like quotes, never in an
observed figure; asOf a time, as declared then), and the DECIMALS every flow's observations carry. Ingest's
RPCs on the real files and the catalog's on its store, in process; expected
values computed here from the files and the declared inputs."""
import csv
import dataclasses
import json
import itertools
import statistics
import time

import pytest

from gateway.resources.views import Sources
from gateway.sdmx import history
from gateway.sdmx.data_csv import csv_v1
from gateway.sdmx.observations import observations
from gateway.sdmx.periods import timestamp
from gateway.sdmx.query import data_query_21
from gateway.sdmx.values import time_period
from observatory.clock import utcnow
from services.catalog import declared
from services.ingest import queries_sdmx, vintage_queries
from tests.ingest_files import RPW_QUOTES
from tests.unit.catalog_common import empty_catalog_store
from tests.unit.test_sdmx_real_data import published
from tests.unit.test_sdmx_sources import NO_DECLARED, Catalog, Ingest, store  # noqa: F401 (the fixture)

AREA_NPL = {"_id": "test-exchange", "corridor_keys": ["ARE-NPL"]}


def raw_quotes():
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def cc2_averages(rows):
    """{(source, destination, 2014Q1): mean cc2 total cost % of the transparent quotes}, from the file's columns."""
    groups = {}
    for row in rows:
        if row["transparent"] == "yes" and row["cc2.total.cost.."].strip():
            period = f"{row['period'][:4]}Q{row['period'][5]}"  # 2014_1Q → 2014Q1
            groups.setdefault((row["source"], row["destination"], period), []).append(float(row["cc2.total.cost.."]))
    return {key: statistics.fmean(values) for key, values in groups.items()}


def test_the_usd_500_average_is_the_mean_of_the_transparent_quotes_cc2_cost(store):
    rows = raw_quotes()
    expected = cc2_averages(rows)
    with_undisclosed = sorted({(r["source"], r["destination"], f"{r['period'][:4]}Q{r['period'][5]}")
                               for r in rows if r["transparent"] == "no"} & set(expected))
    chosen = [("ARE", "NPL", "2014Q1"), *with_undisclosed[:2]]  # two where an undisclosed quote is left out
    for source, destination, period in chosen:
        [item] = queries_sdmx.corridor_cost_page(store, source=source, destination=destination)["items"]
        entry = next(p for p in item["periods"] if p["period"] == period)
        assert entry["observed_pct_500"] == pytest.approx(expected[(source, destination, period)], abs=1e-9)
        assert entry["observed_pct_500"] < entry["observed_pct"]  # a fixed fee weighs less on USD 500
        query = data_query_21("RPW_CORRIDOR_COST", f"Q.{source}.{destination}.OBSERVED.USD500",
                              params={"startPeriod": f"{period[:4]}-{period[4:]}", "endPeriod": f"{period[:4]}-{period[4:]}"})
        [observation] = list(observations(Sources(Ingest(store), NO_DECLARED), query))
        assert observation["OBS_VALUE"] == entry["observed_pct_500"] and observation["DECIMALS"] == 4
        [line] = b"".join(csv_v1(query.flow, query.dsd, [observation])).decode().splitlines()[1:]
        assert float(line.split(",")[7]) == published(expected[(source, destination, period)], 4)


@pytest.fixture
def catalog():
    return empty_catalog_store("catalog_declared")


def declare(catalog_store, **request):
    """A declaration stored as the catalog stores it (declared.declared_price costs it)."""
    identity, state = declared.declared_price(AREA_NPL, {"source": "ARE", "destination": "NPL", "period": "2014Q1",
                                                         "currency": "AED", **request}, "provider:test-exchange")
    catalog_store.declared.save(identity, state)


def by_hand(amount, fee, rate, interbank):
    return fee / amount * 100 + (1 - rate / interbank) * 100


def test_declared_prices_are_the_declared_series_and_change_no_observed_figure(store, catalog):
    prices = [dict(amount=735, amount_usd=200, fee=15, exchange_rate=27.1, interbank_rate=27.6, product="A"),
              dict(amount=735, amount_usd=200, fee=10, exchange_rate=27.3, interbank_rate=27.6, product="B"),
              dict(amount=1836, amount_usd=500, fee=15, exchange_rate=27.1, interbank_rate=27.6, product="A")]
    for price in prices:
        declare(catalog, **price)
    declare(catalog, amount=1100, amount_usd=300, fee=15, exchange_rate=27.1, interbank_rate=27.6, product="A")
    declare(catalog, amount=735, fee=15, exchange_rate=27.1, interbank_rate=27.6, product="C")  # no USD amount
    query = data_query_21("RPW_CORRIDOR_COST", "Q.ARE.NPL..")
    with_declared = list(observations(Sources(Ingest(store), Catalog(catalog)), query))
    got = {(o["AMOUNT"], o["TIME_PERIOD"]): o for o in with_declared if o["SERIES"] == "DECLARED"}
    assert sorted(got) == [("USD200", "2014Q1"), ("USD500", "2014Q1")]  # USD 300 and an unknown USD amount: none
    usd200 = statistics.fmean(by_hand(p["amount"], p["fee"], p["exchange_rate"], p["interbank_rate"])
                              for p in prices[:2])
    usd500 = by_hand(1836, 15, 27.1, 27.6)
    assert got[("USD200", "2014Q1")]["OBS_VALUE"] == pytest.approx(usd200, abs=1e-3)  # costed to 4 places
    assert got[("USD500", "2014Q1")]["OBS_VALUE"] == pytest.approx(usd500, abs=1e-3)
    assert (got[("USD200", "2014Q1")]["QUOTES"], got[("USD500", "2014Q1")]["QUOTES"]) == (2, 1)
    assert all(o["PROVENANCE"].startswith("provider-declared") for o in got.values())
    without = list(observations(Sources(Ingest(store), NO_DECLARED), query))
    assert [o for o in with_declared if o["SERIES"] != "DECLARED"] == without and without
    keys = [(o["SERIES"], o["AMOUNT"], o["TIME_PERIOD"]) for o in with_declared]
    assert keys == sorted(keys)  # series-key order: each series one run for the writers
    assert {o["SERIES"] for o in with_declared} == {"DECLARED", "OBSERVED", "OFFICIAL"}


def test_the_declared_series_is_asked_for_the_key_and_period_only_and_not_when_excluded(store, catalog):
    declare(catalog, amount=735, amount_usd=200, fee=15, exchange_rate=27.1, interbank_rate=27.6, period="2013Q4")
    asked = Catalog(catalog)
    query = data_query_21("RPW_CORRIDOR_COST", "Q.ARE.NPL.DECLARED.", params={"startPeriod": "2014-Q1"})
    assert list(observations(Sources(Ingest(store), asked), query)) == []  # declared for 2013Q4 only
    assert asked.calls == [("declared_cost_page", {"limit": 200, "source": "ARE", "destination": "NPL",
                                                   "first": "2014Q1"})]
    untouched = Catalog(catalog)
    list(observations(Sources(Ingest(store), untouched), data_query_21("RPW_CORRIDOR_COST", "Q.ARE.NPL.OBSERVED.")))
    assert untouched.calls == []


@pytest.mark.parametrize("flow, key, places", [
    ("RPW_CORRIDOR_COST", "Q.ARE.NPL..", {4}), ("RPW_PRICES", "Q.ARE.NPL....", {2}),
    ("RPW_INDICATORS", "all", {0, 4}), ("FLOWS", "A.NPL...", {2})])
def test_every_flows_observations_carry_their_decimals(store, flow, key, places):
    found = list(itertools.islice(observations(Sources(Ingest(store), NO_DECLARED), data_query_21(flow, key)), 2000))
    assert found and {o["DECIMALS"] for o in found} == places
    if flow == "RPW_INDICATORS":
        assert {o["INDICATOR"] for o in found if o["DECIMALS"] == 0} == {"CORRIDORS_WITHOUT_SMART"}


@pytest.mark.parametrize("flow, key", [("RPW_CORRIDOR_COST", "Q.ARE.NPL.."), ("RPW_CORRIDOR_COST", "Q.USA.MEX.."),
                                       ("RPW_INDICATORS", "all"), ("FLOWS", "A.NPL..."),
                                       ("RPW_PRICES", "Q.ARE.NPL....")])
def test_an_answer_as_of_the_release_in_force_is_the_answer_of_now(store, flow, key):
    """A permalink pins the vintage an answer was read from: read later, it gives the same observations,
    attributes included (the asOf answer is written from the kept versions, the other from the figures)."""
    release = vintage_queries.vintage_at(store)
    def written(found):
        """As every writer writes them: the period in SDMX form, an absent attribute and a None one alike (an
        empty cell), in one order (the stored versions come in series-key text order, the figures key part by part)."""
        rows = [{**{k: v for k, v in o.items() if v is not None}, "TIME_PERIOD": time_period(o["TIME_PERIOD"])}
                for o in found]
        return sorted(rows, key=lambda o: json.dumps(o, sort_keys=True))

    now = written(observations(Sources(Ingest(store), NO_DECLARED), data_query_21(flow, key)))
    pinned = dataclasses.replace(data_query_21(flow, key), as_of=timestamp(release["published_at"], "asOf"))
    then = written(observations(Sources(Ingest(store), NO_DECLARED), pinned))
    assert now and then == now


def test_the_declared_series_as_of_a_time_is_the_one_served_then(store, catalog):
    """The catalog keeps its prices' versions: an answer asOf a time shows the DECLARED series declared then,
    a price declared again later notwithstanding (ingest's figures of the release in force alike)."""
    declare(catalog, amount=735, amount_usd=200, fee=15, exchange_rate=27.1, interbank_rate=27.6, product="A")
    sources = Sources(Ingest(store), Catalog(catalog))
    query = data_query_21("RPW_CORRIDOR_COST", "Q.ARE.NPL..")
    def written(found):
        """As the writers write them (see the test above): the period in SDMX form, None as absent, one order."""
        return [{**{k: v for k, v in o.items() if v is not None}, "TIME_PERIOD": time_period(o["TIME_PERIOD"])}
                for o in found]
    def declared_values(found):
        return [(o["AMOUNT"], o["TIME_PERIOD"], o["OBS_VALUE"]) for o in found if o["SERIES"] == "DECLARED"]

    served = written(observations(sources, query))
    then = utcnow()
    pinned = dataclasses.replace(query, as_of=then)
    first = by_hand(735, 15, 27.1, 27.6)
    assert declared_values(served) == [("USD200", "2014-Q1", pytest.approx(first, abs=1e-3))]
    assert written(observations(sources, pinned)) == served  # in the same order too
    keys = [(o["SERIES"], o["AMOUNT"], o["TIME_PERIOD"]) for o in served]
    assert keys == sorted(keys) and {"DECLARED", "OBSERVED", "OFFICIAL"} <= {o["SERIES"] for o in served}

    time.sleep(0.005)  # declared again later (the store keeps times to the millisecond)
    declare(catalog, amount=735, amount_usd=200, fee=10, exchange_rate=27.3, interbank_rate=27.6, product="A")
    second = by_hand(735, 10, 27.3, 27.6)
    now = written(observations(sources, query))
    assert declared_values(now) == [("USD200", "2014-Q1", pytest.approx(second, abs=1e-3))]
    assert written(observations(sources, pinned)) == served  # asOf then: the first price still
    assert written(observations(sources, dataclasses.replace(query, as_of=utcnow()))) == now
    assert [o for o in now if o["SERIES"] != "DECLARED"] == [o for o in served if o["SERIES"] != "DECLARED"]
    declared_only = dataclasses.replace(data_query_21("RPW_CORRIDOR_COST", "Q.ARE.NPL.DECLARED."), as_of=then)
    assert declared_values(written(observations(sources, declared_only))) == declared_values(served)
    assert sources.catalog.calls[-1] == ("declared_cost_page", {"limit": 200, "source": "ARE", "destination": "NPL",
                                                                "as_of": history.as_of_text(declared_only)})
