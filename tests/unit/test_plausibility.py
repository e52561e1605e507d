"""Plausibility before publication: the rules as plain functions, then the
importer (in-process store, no broker) on real files with one cell changed:
non-finite cells are refused, implausible ones hold the dataset with the
suspect listed, nothing is published until an operator publishes it, and the
bundled data still completes without review."""
import hashlib
import json
import math
import uuid
from pathlib import Path

import pytest

from observatory.clock import utcnow
from observatory.contracts.catalog import DeclaredQuoteRequestSchema
from observatory.mongo import connect_store
from services.ingest import operator_review
from services.ingest.importer import run_import
from services.ingest.models import BilateralFlows, CountryFlows, Dataset, HeldRecords, Publication, SeriesPeriod
from services.ingest.plausibility import (BOUNDS, DuplicateIds, Rules, history_outliers, out_of_bounds,
                                          period_changes)
from tests import hostile_files as hostile
from services.ingest.store import STORE_ALIAS, IngestStore
from tests.ingest_files import DATABANK, RPW_QUOTES, WDI_INFLOWS

BUNDLED = Path(__file__).resolve().parents[2] / "data"
RULES = Rules()


# -- the rules -------------------------------------------------------------------

def test_a_value_outside_its_fields_bounds_is_a_suspect_with_the_bounds_as_its_range():
    record = {"cc1_total_cost": -1e6, "cc1_fx_margin": 3.2, "firm": "Al Ansari"}
    assert out_of_bounds(record, RULES, row=7) == [{"row": 7, "field": "cc1_total_cost", "value": -1e6,
                                                    "rule": "bounds", "usual_range": list(BOUNDS["cc1_total_cost"])}]
    # the real extremes (-58.9 % and 307 %, RPW 2011-2025) are within bounds
    assert out_of_bounds({"cc1_total_cost": -58.9, "cc2_total_cost": 307.0}, RULES) == []


def test_history_flags_the_outlier_and_not_the_points_it_would_stretch_the_range_of():
    averages = {"2013Q1": 7.1, "2013Q2": 6.8, "2013Q3": 7.4, "2013Q4": 6.9, "2014Q1": 55.0}
    found = history_outliers(averages, RULES, "average_total_cost_pct", source="ARE", destination="NPL")
    assert [(s["point"], s["value"], s["usual_range"]) for s in found] == [("2014Q1", 55.0, [6.8, 7.4])]
    assert history_outliers({**averages, "2014Q1": 9.0}, RULES, "average_total_cost_pct") == []
    # flows by ratio: Kuwait's real 2021 jump (34 → 807 USD m) is not flagged, a thousandfold one is
    flows = {"2017": 0.0, "2018": 0.0, "2019": 1.2, "2020": 34.3, "2021": 806.7}
    assert history_outliers(flows, RULES, "inflows", ratio=True) == []
    assert len(history_outliers({**flows, "2021": 1e6}, RULES, "inflows", ratio=True)) == 1


def test_a_change_of_many_points_in_one_period_is_a_suspect_only_in_the_new_periods():
    averages = {"2013Q3": 6.0, "2013Q4": 6.5, "2014Q1": 40.0}
    found = period_changes(averages, {"2014Q1"}, RULES)
    assert [(s["period"], s["previous_period"], s["previous_value"]) for s in found] == [("2014Q1", "2013Q4", 6.5)]
    assert period_changes(averages, {"2013Q4"}, RULES) == []


def test_a_survey_id_seen_twice_is_a_duplicate_naming_its_first_row():
    duplicates = DuplicateIds()
    assert duplicates.check({"source_id": "13034"}, 2) == [] and duplicates.check({"source_id": None}, 3) == []
    [found] = duplicates.check({"source_id": "13034", "period": "2014Q1"}, 9)
    assert (found["rule"], found["row"], found["first_row"], found["id"]) == ("duplicate", 9, 2, "13034")


@pytest.mark.parametrize("body", ['"amount": 1e400', '"amount": NaN', '"exchange_rate": 1e300'])
def test_a_declared_price_with_a_non_finite_or_unbounded_number_is_refused(body):
    """The real first quote of the file (735 AED for USD 200, fee 15, rate 1.57, interbank 1.58), one number changed."""
    real = {"source": "ARE", "destination": "EGY", "currency": "AED", "amount": 735, "fee": 15,
            "exchange_rate": 1.57, "interbank_rate": 1.58}
    changed = json.loads("{" + body + "}")
    assert DeclaredQuoteRequestSchema().validate(real) == {}
    assert set(DeclaredQuoteRequestSchema().validate({**real, **changed})) == set(changed)


def test_thresholds_and_bounds_come_from_the_configuration():
    rules = Rules.from_config({"max_period_change_pp": 10, "bounds": {"cc1_total_cost": [-50, 100]}})
    assert rules.max_period_change_pp == 10 and rules.bounds["cc1_total_cost"] == (-50.0, 100.0)
    assert rules.bounds["cc2_total_cost"] == BOUNDS["cc2_total_cost"]
    with pytest.raises(ValueError, match="max_change"):
        Rules.from_config({"max_change": 3})


# -- the importer on real files with one cell changed -------------------------------------

@pytest.fixture(autouse=True)
def store():
    connect_store(STORE_ALIAS, f"ingest_{uuid.uuid4().hex[:8]}")
    store = IngestStore.connected()
    store.ensure_indexes()
    return store


def import_bytes(store, kind, data, filename=None):
    dataset_id = uuid.uuid4().hex[:16]
    # The 2018 CSV's title was cut off: its year is given (the workbooks' titles name theirs).
    year = 2018 if kind == "bilateral-matrix" and not (filename or "").endswith(".xlsx") else None
    Dataset(id=dataset_id, sha256=hashlib.sha256(data).hexdigest(), kind=kind, filename=filename, year=year,
            created_at=utcnow()).save()
    return run_import(store, dataset_id, lambda target: target.write(data)), Dataset.objects.get(id=dataset_id)


def observed(store):
    return {(period, key): (entry["average_total_cost_pct"], entry["quotes_total"])
            for period, state in store.publication.published_states().items() for key, entry in state["corridors"].items()}


def announced(dataset_id):
    return [e["type"] for e in Publication.objects.get(id="observed").outbox + list(Dataset.objects.get(id=dataset_id).outbox)
            if e["data"].get("dataset_id") == dataset_id]


def test_every_bundled_file_completes_without_review(store):
    files = sorted(p for p in BUNDLED.rglob("*") if p.suffix in (".csv", ".xlsx"))
    kinds = {"rpw_provider_quotes": "rpw-quotes", "databank": "rpw-corridor-averages",
             "derived": "rpw-corridor-means", "bilateral": "bilateral-matrix", "knomad": "country-flows",
             "wdi_": "country-flows"}
    assert len(files) == 20
    for path in files:
        kind = next(k for word, k in kinds.items() if word in path.name)
        status, dataset = import_bytes(store, kind, path.read_bytes(), path.name)
        assert status == "completed", (path.name, (dataset.review or {}).get("suspects", [])[:3])


@pytest.mark.parametrize("value,rules", [("-1e6", {"bounds", "period_change", "history"}),
                                         ("1e300", {"bounds", "period_change", "history"})])
def test_an_implausible_quote_holds_the_dataset_with_it_listed_and_publishing_it_after_review_works(value, rules, store):
    status, original = import_bytes(store, "rpw-quotes", RPW_QUOTES.read_bytes())
    before = observed(store)
    data, line, _ = hostile.quotes_with_one_total_cost(value)
    status, held = import_bytes(store, "rpw-quotes", data)
    assert status == "needs_review" and held.rows_rejected == 0
    suspects = held.review["suspects"]
    assert {s["rule"] for s in suspects} == rules
    [bound] = [s for s in suspects if s["rule"] == "bounds"]
    assert (bound["row"], bound["field"], bound["value"]) == (line, "cc1_total_cost", float(value))
    assert {(s.get("period"), s.get("source"), s.get("destination")) for s in suspects} == {("2014Q1", "ARE", "NPL")}
    assert observed(store) == before  # held: nothing published moved
    assert announced(held.id) == []  # no event for alerts to hear


    operator_review.publish_dataset(store, held.id)
    assert {"dataset.published", "corridor.cost.changed"} <= set(announced(held.id))  # published: now announced
    after = observed(store)
    assert after[("2014Q1", "ARE:NPL")][0] < -1000 if value == "-1e6" else after[("2014Q1", "ARE:NPL")][0] > 1e290
    assert {k: v for k, v in after.items() if k != ("2014Q1", "ARE:NPL")} == \
        {k: v for k, v in before.items() if k != ("2014Q1", "ARE:NPL")}


def test_the_same_quote_row_twice_is_held_as_a_duplicate(store):
    import_bytes(store, "rpw-quotes", RPW_QUOTES.read_bytes())
    before = observed(store)
    data, line = hostile.quotes_with_one_row_twice()
    status, held = import_bytes(store, "rpw-quotes", data)
    assert status == "needs_review"
    [duplicate] = held.review["suspects"]
    assert (duplicate["rule"], duplicate["row"], duplicate["first_row"]) == ("duplicate", line, line - 1)
    assert observed(store) == before


def test_a_non_finite_official_average_is_refused_with_its_row_and_the_rest_completes(store):
    data, line, column = hostile.databank_with_one_cell("inf")
    status, dataset = import_bytes(store, "rpw-corridor-averages", data)
    assert status == "completed" and dataset.rows_rejected == 1
    assert dataset.errors[0]["row"] == line and "not a finite number" in dataset.errors[0]["message"]
    values = [v["average_total_cost_pct"] for doc in SeriesPeriod.objects for v in doc.corridors.values()]
    assert values and all(math.isfinite(v) for v in values)


@pytest.mark.parametrize("make,kind", [(hostile.databank_with_one_cell, "rpw-corridor-averages"),
                                       (hostile.derived_with_one_cell, "rpw-corridor-means"),
                                       (hostile.wdi_with_one_cell, "country-flows"),
                                       (hostile.matrix_csv_with_one_cell, "bilateral-matrix")])
def test_a_negative_trillion_in_any_series_holds_it_and_nothing_is_written_until_published(make, kind, store):
    data, line, column = make("-1e12")
    status, held = import_bytes(store, kind, data)
    assert status == "needs_review"
    suspects = held.review["suspects"]
    assert suspects and all(s["row"] == line for s in suspects if s["rule"] == "bounds")
    assert -1e12 in [s["value"] for s in suspects] or -1e6 in [s["value"] for s in suspects]  # WDI: USD → USD m
    stored = {"rpw-corridor-averages": SeriesPeriod, "rpw-corridor-means": SeriesPeriod, "country-flows": CountryFlows,
              "bilateral-matrix": BilateralFlows}[kind]
    assert stored.objects.count() == 0 and HeldRecords.objects(dataset_id=held.id).count() >= 1
    assert held.outbox == []  # nothing announced: alerts hear only what is published

    answer = operator_review.publish_dataset(store, held.id)
    assert answer["status"] == "completed" and stored.objects.count() > 0
    assert HeldRecords.objects(dataset_id=held.id).count() == 0
    published = Dataset.objects.get(id=held.id)
    assert published.status == "completed" and [e["type"] for e in published.outbox] == ["dataset.published"]


@pytest.mark.parametrize("make,kind", [(hostile.derived_with_one_cell, "rpw-corridor-means"),
                                       (hostile.wdi_with_one_cell, "country-flows"),
                                       (hostile.matrix_csv_with_one_cell, "bilateral-matrix")])
def test_inf_is_refused_in_every_kind(make, kind, store):
    data, line, _ = make("inf")
    status, dataset = import_bytes(store, kind, data)
    assert dataset.rows_rejected == 1 and dataset.errors[0]["row"] == line
    assert "not a finite number: 'inf'" in dataset.errors[0]["message"]


def test_a_held_series_rejected_leaves_nothing_behind(store):
    data, _, _ = hostile.wdi_with_one_cell("-1e12")
    status, held = import_bytes(store, "country-flows", data)
    assert status == "needs_review"
    operator_review.reject_dataset(store, held.id)
    assert CountryFlows.objects.count() == 0 and HeldRecords.objects(dataset_id=held.id).count() == 0
