"""The SDMX observation sources: ingest's paged RPCs on the real files (in
process, no broker) answer whole series that agree with the JSON API's own
queries, and the gateway's sources page through them lazily, push a key's
corridors and economies down, keep series-key order, and pass ``as_of`` only
when asked."""
import hashlib
import itertools
import uuid

import pytest

from gateway.resources.views import Sources
from gateway.sdmx import observations as sources_module
from gateway.sdmx.observations import observations
from gateway.sdmx.query import data_query_21, data_query_30
from gateway.sdmx.values import time_period
from observatory.clock import utcnow
from observatory.contracts.sdmx_sources import CorridorCostPageSchema, FlowsPageSchema, PublishedQuotesPageSchema
from observatory.errors import VintageNotKept
from observatory.mongo import connect_store
from services.catalog import declared_costs
from services.ingest import queries, queries_sdmx, vintage_queries
from services.ingest.importer import run_import
from services.ingest.models import Dataset
from services.ingest.store import STORE_ALIAS, IngestStore
from tests.ingest_files import DATABANK, FLOWS, RPW_QUOTES


def _import(store, kind, path):
    data = path.read_bytes()
    dataset_id = uuid.uuid4().hex[:16]
    Dataset(id=dataset_id, sha256=hashlib.sha256(data).hexdigest(), kind=kind, filename=path.name,
            created_at=utcnow()).save()
    assert run_import(store, dataset_id, lambda target: target.write(data)) == "completed"


@pytest.fixture(scope="module")
def store():
    connect_store(STORE_ALIAS, f"ingest_sdmx_{uuid.uuid4().hex[:8]}")
    store = IngestStore.connected()
    store.ensure_indexes()
    _import(store, "rpw-quotes", RPW_QUOTES)
    _import(store, "rpw-corridor-averages", DATABANK)
    _import(store, "bilateral-matrix", FLOWS / "bilateral_remittance_matrix_2012.xlsx")
    return store


class Ingest:
    """The RPCs as the gateway calls them, on the store; every call recorded."""

    def __init__(self, store):
        self.store, self.calls = store, []

    def __getattr__(self, name):
        def call(*args, **kwargs):
            self.calls.append((name, kwargs))
            function = getattr(queries_sdmx, name, None) or getattr(vintage_queries, name, None) or getattr(queries, name)
            return function(self.store, *args, **kwargs)
        return call


class Catalog:
    """The catalog's ``declared_cost_page`` as the gateway calls it, on a catalog store; every call recorded."""

    def __init__(self, store):
        self.store, self.calls = store, []

    def declared_cost_page(self, **kwargs):
        self.calls.append(("declared_cost_page", kwargs))
        return declared_costs.declared_cost_page(self.store, **kwargs)


class NoDeclaredPrices:
    def declared_cost_page(self, **_):
        return {"items": [], "next_cursor": None}


NO_DECLARED = NoDeclaredPrices()


def every_item(page, **params):
    answer = page(**params)
    items = list(answer["items"])
    while answer["next_cursor"]:
        answer = page(cursor=answer["next_cursor"], **params)
        items += answer["items"]
    return items


def test_a_corridors_whole_series_equal_its_json_history(store):
    history = queries.corridor_history(store, "ARE", "NPL")["items"]
    page = queries_sdmx.corridor_cost_page(store, source="ARE", destination="NPL")
    assert CorridorCostPageSchema().validate(page) == {}
    [item] = page["items"]
    assert [(p["period"], p["observed_pct"], p["official_pct"], p["quotes_transparent"]) for p in item["periods"]] == [
        (h["period"], h["observed_average_pct"], h["official_average_pct"], h["quotes_transparent"]) for h in history]


def test_pages_cover_every_corridor_of_every_quarter_once(store):
    items = every_item(lambda **p: queries_sdmx.corridor_cost_page(store, **p), limit=37)
    keys = [(i["source"], i["destination"]) for i in items]
    assert keys == sorted(set(keys))
    listed = {(i["source"], i["destination"]) for i in every_item(
        lambda **p: queries.list_corridors(store, "2014Q1", **p), limit=500)}
    with_2014q1 = {(i["source"], i["destination"]) for i in items if any(p["period"] == "2014Q1" for p in i["periods"])}
    assert with_2014q1 == listed


def test_published_quotes_are_the_corridors_quotes(store):
    page = queries_sdmx.published_quotes_page(store, source="ARE", destination="NPL")
    assert PublishedQuotesPageSchema().validate(page) == {}
    fields = page["quote_fields"]
    [item] = page["items"]
    rows = {p["period"]: p["rows"] for p in item["periods"]}
    corridor = queries.corridor(store, "ARE", "NPL", "2014Q1")
    assert sorted(dict(zip(fields, r))["total_cost_pct"] for r in rows["2014Q1"]) == sorted(
        q["total_cost_pct"] for q in corridor["quotes"])


def test_flows_hold_the_matrix_estimates_into_each_economy(store):
    page = queries_sdmx.flows_page(store, iso3="NPL")
    assert FlowsPageSchema().validate(page) == {}
    [item] = page["items"]
    senders = {s["source"]: s["usd_millions"] for s in store.series.senders_to(2012, "NPL")}
    assert {m["source"]: m["usd_millions"] for m in item["matrix"] if m["year"] == 2012} == senders and senders


def test_as_of_is_refused_where_no_vintage_is_kept(store):
    with pytest.raises(VintageNotKept) as refused:
        queries_sdmx.corridor_cost_page(store, as_of="2024-01-01T00:00:00+00:00")
    assert refused.value.status == 501


def test_the_sources_push_a_keys_corridors_down_and_keep_series_key_order(store):
    ingest = Ingest(store)
    query = data_query_21("RPW_CORRIDOR_COST", "Q.ARE+USA.NPL..USD200")
    got = list(observations(Sources(ingest, NO_DECLARED), query))
    assert [c for c in ingest.calls if c[0] == "corridor_cost_page"] == [
        ("corridor_cost_page", {"limit": 200, "source": s, "destination": "NPL"}) for s in ("ARE", "USA")]
    keys = [(o["SOURCE_AREA"], o["SERIES"], o["TIME_PERIOD"]) for o in got]
    assert keys == sorted(keys) and {k[0] for k in keys} == {"ARE", "USA"}
    series = [k for k, _ in itertools.groupby(keys, key=lambda k: k[:2])]
    assert len(series) == len(set(series))  # each series in one run


def test_the_sources_are_lazy_one_page_at_a_time(store, monkeypatch):
    monkeypatch.setattr(sources_module, "CORRIDOR_PAGE", 5)
    ingest = Ingest(store)
    stream = observations(Sources(ingest, NO_DECLARED), data_query_21("RPW_CORRIDOR_COST", "all"))
    next(stream)
    assert len(ingest.calls) == 1
    list(itertools.islice(stream, 200))
    assert 1 < len(ingest.calls) < 20


def test_as_of_is_answered_from_the_kept_versions_and_only_then(store):
    ingest = Ingest(store)
    key = "Q.ARE.NPL.*.USD200"
    current = list(observations(Sources(ingest, NO_DECLARED),
                                data_query_30("dataflow", "OBSERVATORY", "RPW_CORRIDOR_COST", "1.0", key)))
    assert current and all(name != "figure_changes" and "as_of" not in kwargs for name, kwargs in ingest.calls)
    now = utcnow().replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    pinned = list(observations(Sources(ingest, NO_DECLARED), data_query_30("dataflow", "OBSERVATORY", "RPW_CORRIDOR_COST",
                                                                    "1.0", key, {"asOf": now})))
    assert ingest.calls[-1][0] == "figure_changes" and ingest.calls[-1][1]["as_of"]

    def values(answer):
        return {(o["SERIES"], time_period(o["TIME_PERIOD"])): o["OBS_VALUE"] for o in answer}

    assert values(pinned) == values(current)  # as of now: what is published now


def test_every_flow_answers_time_travel_from_the_kept_versions(store):
    """Provider prices and national statistics keep versions too: updatedAfter, includeHistory and asOf are
    asked of figure_changes with the key's dimensions (no 501 left)."""
    for flow, key, dimensions in (
            ("RPW_PRICES", "Q.ARE.NPL....", {"FREQ": ["Q"], "SOURCE_AREA": ["ARE"], "DEST_AREA": ["NPL"]}),
            ("NATIONAL_REMITTANCES", "A.NPL...", {"FREQ": ["A"], "REF_AREA": ["NPL"]})):
        for params in ({"updatedAfter": "2024-01-01T00:00:00Z"}, {"includeHistory": "true"}):
            ingest = Ingest(store)
            list(observations(Sources(ingest, NO_DECLARED), data_query_21(flow, key, params=params)))
            assert [(name, kwargs["dimensions"]) for name, kwargs in ingest.calls] == [("figure_changes", dimensions)]
    ingest = Ingest(store)
    now = utcnow().replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    query = data_query_30("dataflow", "OBSERVATORY", "RPW_PRICES", "1.0", "Q.ARE.NPL.*.*.*.*", {"asOf": now})
    pinned = list(observations(Sources(ingest, NO_DECLARED), query))
    current = list(observations(Sources(Ingest(store), NO_DECLARED), data_query_21("RPW_PRICES", "Q.ARE.NPL....")))
    assert ingest.calls[-1][0] == "figure_changes" and pinned

    def values(answer):
        return sorted((o["PROVIDER"], o["PRODUCT"], o["AMOUNT"], o["MEASURE"], time_period(o["TIME_PERIOD"]),
                       o["OBS_VALUE"]) for o in answer)

    assert values(pinned) == values(current)  # as of now: what is published now


def test_a_page_that_misses_its_deadline_mid_answer_is_asked_again():
    from observatory.errors import ServiceUnavailable

    misses = iter([True, False, True, True, True])

    def list_page(cursor=None, **_):
        if next(misses):
            raise ServiceUnavailable("ingest did not answer corridor_cost_page within 2 s")
        return {"items": [1, 2], "next_cursor": "after-2" if cursor is None else None}

    stream = sources_module.pages(list_page)
    assert [next(stream), next(stream)] == [1, 2]  # the first page, at its second attempt
    with pytest.raises(ServiceUnavailable):  # the second page misses every attempt: the answer breaks off
        next(stream)


def test_a_period_range_is_pushed_down_as_the_quarters_it_overlaps(store):
    ingest = Ingest(store)
    query = data_query_21("RPW_CORRIDOR_COST", "Q.ARE.NPL..", params={"startPeriod": "2013-05", "endPeriod": "2014"})
    got = list(observations(Sources(ingest, NO_DECLARED), query))
    assert ingest.calls[0] == ("corridor_cost_page", {"limit": 200, "source": "ARE", "destination": "NPL",
                                                      "first": "2013Q2", "last": "2014Q4"})
    everything = list(observations(Sources(Ingest(store), NO_DECLARED), data_query_21("RPW_CORRIDOR_COST", "Q.ARE.NPL..")))
    assert got == [o for o in everything if "2013Q2" <= o["TIME_PERIOD"] <= "2014Q4"] and got
