"""The importer on the real files, against the in-process store (no broker)."""
import csv
import glob
import hashlib
import uuid
from pathlib import Path

import pytest

from observatory.clock import utcnow
from observatory.mongo import connect_store
from services.ingest import queries
from services.ingest.importer import run_import
from services.ingest.models import BilateralFlows, Dataset, Publication
from services.ingest.store import STORE_ALIAS, IngestStore
from services.ingest.parsers.bilateral_matrix import parse_bilateral_matrix
from tests.ingest_files import FLOWS, RPW_QUOTES, as_csv, real_rows, workbook_bytes


@pytest.fixture(autouse=True)
def store():
    connect_store(STORE_ALIAS, f"ingest_{uuid.uuid4().hex[:8]}")
    store = IngestStore.connected()
    store.ensure_indexes()
    return store


def import_bytes(store, kind, data, filename=None, year=None):
    dataset_id = uuid.uuid4().hex[:16]
    Dataset(id=dataset_id, sha256=hashlib.sha256(data).hexdigest(), kind=kind, filename=filename, year=year,
            created_at=utcnow()).save()
    status = run_import(store, dataset_id, lambda target: target.write(data))
    return status, Dataset.objects.get(id=dataset_id)


def outbox():
    return [e for d in Publication.objects for e in d.outbox] + [e for d in Dataset.objects for e in d.outbox]


def outbox_types():
    return sorted(e["type"] for e in outbox())


def published(store):
    """{"2014Q1:ARE:EGY": corridor summary (average, dataset_id, ...)} as published now."""
    return {f"{period}:{key}": entry for period, state in store.publication.published_states().items()
            for key, entry in state["corridors"].items()}


def period_figures(store, period):
    return store.publication.published_states()[period]["figures"]


def test_bilateral_matrix_2017_rows_sum_to_the_files_totals(store):
    path = FLOWS / "bilateral_remittance_matrix_2017.xlsx"
    status, dataset = import_bytes(store, "bilateral-matrix", path.read_bytes(), path.name)
    assert status == "completed" and dataset.rows_rejected == 0
    rows = BilateralFlows.objects(year=2017)
    with_total = [r for r in rows if r.published_total is not None]
    assert len(with_total) == 214
    for row in with_total:
        assert abs(sum(row.flows.values()) - row.published_total) <= 0.1, row.source
    assert BilateralFlows.objects.get(id="2017:USA").flows["MEX"] > 25_000  # the largest corridor


@pytest.mark.parametrize("path", sorted(glob.glob(str(FLOWS / "bilateral_remittance_matrix_*"))),
                         ids=lambda p: Path(p).name)
def test_no_country_name_is_left_unresolved_in_any_matrix_vintage(store, path):
    with open(path, "rb") as f:
        parsed = list(parse_bilateral_matrix(f, filename=Path(path).name))
    assert [e for p in parsed for e in p.errors] == []
    sources = [p.record["source"] for p in parsed if p.record and "source" in p.record]
    assert len(sources) >= 213 and len(set(sources)) == len(sources)


def test_a_file_with_one_corrupted_row_reports_it_and_keeps_the_rest(store):
    header, rows = real_rows(400)
    rows[41][header.index("cc1.total.cost..")] = "twelve"
    status, dataset = import_bytes(store, "rpw-quotes", as_csv(header, rows))
    assert status == "completed"
    assert (dataset.rows_total, dataset.rows_accepted, dataset.rows_rejected) == (400, 399, 1)
    assert dataset.errors == [{"row": 43, "field": "cc1.total.cost..", "message": "not a number: 'twelve'"}]
    assert sum(c["quotes_total"] for c in published(store).values()) == 399


def test_a_truncated_xlsx_fails_cleanly_and_leaves_stored_data_untouched(store):
    header, rows = real_rows(1000)
    import_bytes(store, "rpw-quotes", as_csv(header, rows[:500]))
    before = published(store)
    workbook = workbook_bytes([("Dataset", [header, *rows])])
    status, dataset = import_bytes(store, "rpw-quotes", workbook[: len(workbook) * 2 // 3])
    assert status == "failed" and "truncated or corrupt" in dataset.failure
    assert published(store) == before


def test_a_revised_file_replaces_the_corridor_periods_it_covers_and_keeps_provenance(store):
    header, rows = real_rows(3000)
    _, first = import_bytes(store, "rpw-quotes", as_csv(header, rows))
    key = "2011Q1:ARE:EGY"
    original = published(store)[key]
    column = {name: header.index(name) for name in ("period", "source", "destination")}
    egypt = [r for r in rows if (r[column["period"]], r[column["source"]], r[column["destination"]]) == (
        "2011_1Q", "ARE", "EGY")]
    revised = [list(r) for r in egypt]
    for row in revised:  # the provider rows re-surveyed at +1 pp
        row[header.index("cc1.total.cost..")] = str(float(row[header.index("cc1.total.cost..")]) + 1)
    status, second = import_bytes(store, "rpw-quotes", as_csv(header, revised))
    assert status == "completed"  # it corrects, removes nothing: published without review
    assert second.review["replaces_datasets"] == [first.id] and second.review["corridor_periods_changed"] == 1
    updated = published(store)[key]
    assert updated["dataset_id"] == second.id and updated["quotes_total"] == len(egypt)
    assert queries.corridor(store, "ARE", "EGY", "2011Q1")["other_datasets"] == [first.id]
    assert updated["average_total_cost_pct"] == pytest.approx(original["average_total_cost_pct"] + 1)
    assert Dataset.objects.get(id=first.id).status == "completed"  # the earlier record stays
    assert any(c["dataset_id"] == first.id for c in published(store).values())  # what the revision does not cover
    changed = [e for e in outbox() if e["type"] == "corridor.cost.changed" and e["data"]["dataset_id"] == second.id]
    assert len(changed) == 1
    assert changed[0]["data"]["revised_from_pct"] == pytest.approx(original["average_total_cost_pct"])


def test_importing_quotes_queues_one_event_per_changed_corridor_period_with_the_previous_average(store):
    status, dataset = import_bytes(store, "rpw-quotes", RPW_QUOTES.read_bytes(), RPW_QUOTES.name)
    assert status == "completed" and dataset.rows_accepted == 25_516
    corridor_periods = len(published(store))
    types = outbox_types()
    assert types.count("corridor.cost.changed") == corridor_periods
    assert types.count("dataset.published") == 1 and types.count("firms.observed") == 1
    event = next(e for e in outbox() if e["type"] == "corridor.cost.changed" and
                 (e["data"]["period"], e["data"]["source"], e["data"]["destination"]) == ("2011Q3", "ARE", "EGY"))
    assert event["data"]["previous_period"] == "2011Q1"
    assert event["data"]["previous_period_average_pct"] == pytest.approx(
        published(store)["2011Q1:ARE:EGY"]["average_total_cost_pct"])
    firms = next(e for e in outbox() if e["type"] == "firms.observed")
    assert len(firms["data"]["firms"]) == 504


def test_period_indicators_follow_the_methodology_on_the_real_file(store):
    import_bytes(store, "rpw-quotes", RPW_QUOTES.read_bytes())
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        raw = list(csv.DictReader(f))
    for period in ("2011_1Q", "2013_2Q", "2014_1Q"):
        counted = [float(r["cc1.total.cost.."]) for r in raw if r["period"] == period and r["transparent"] == "yes"]
        figures = queries.indicators(store, period[:4] + "Q" + period[5])
        assert figures["global_average_pct"] == pytest.approx(sum(counted) / len(counted), abs=1e-9)
        assert figures["quotes_transparent"] == len(counted)


def test_ldc_figures_use_the_list_in_force_in_the_period(store):
    import_bytes(store, "rpw-quotes", RPW_QUOTES.read_bytes())
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        raw = [r for r in csv.DictReader(f) if r["transparent"] == "yes"]
    # Samoa left the list on 1 January 2014: an LDC destination in 2013Q4, not in 2014Q1.
    ldc_2013 = {"AFG", "BGD", "BTN", "ETH", "HTI", "KHM", "LSO", "MOZ", "NPL", "SEN", "SLE", "TZA", "UGA", "WSM",
                "ZMB", "LBR", "MLI", "MWI", "RWA", "SDN", "YEM", "MMR", "TGO", "BFA", "BEN", "GMB", "GIN", "NER",
                "COD", "SLB", "TLS", "VUT", "KIR", "TUV", "LAO", "MDG", "MRT", "TCD", "CAF", "ERI", "DJI", "SOM",
                "SSD", "AGO", "BDI", "COM", "GNB", "STP", "GNQ"}
    destinations = {r["destination"] for r in raw}
    assert "WSM" in destinations
    for period, graduated in (("2013_4Q", set()), ("2014_1Q", {"WSM"})):
        members = ldc_2013 - graduated
        counted = [float(r["cc1.total.cost.."]) for r in raw if r["period"] == period and r["destination"] in members]
        figures = period_figures(store, period[:4] + "Q" + period[5])
        assert figures["ldc_average_pct"] == pytest.approx(sum(counted) / len(counted), abs=1e-9)


def test_progress_is_readable_while_an_import_runs(store, monkeypatch):
    from services.ingest import loaders

    seen = []
    original_add = loaders.QuotesLoader.add

    def add_and_look(self, record, row=None):
        original_add(self, record, row)
        if len(seen) < 1 and sum(len(v) for v in self.groups.values()) == 5000:
            seen.append(Dataset._get_collection().find_one({}, {"status": 1, "rows_total": 1, "rows_accepted": 1}))

    monkeypatch.setattr(loaders.QuotesLoader, "add", add_and_look)
    import_bytes(store, "rpw-quotes", RPW_QUOTES.read_bytes())
    assert seen[0]["status"] == "processing"
    assert 2000 <= seen[0]["rows_total"] <= 5000 and seen[0]["rows_accepted"] == seen[0]["rows_total"]


def test_smart_is_the_mean_of_the_three_cheapest_transparent_quotes_within_five_days(store):
    import_bytes(store, "rpw-quotes", RPW_QUOTES.read_bytes())
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        raw = list(csv.DictReader(f))
    by_key = {}
    for r in raw:
        by_key.setdefault((r["period"][:4] + "Q" + r["period"][5], r["source"], r["destination"]), []).append(r)
    checked_with, checked_without = 0, 0
    for key, quotes in list(by_key.items())[::15]:
        fast = sorted(float(q["cc1.total.cost.."]) for q in quotes
                      if q["transparent"] == "yes" and q["speed.actual"] != "6 days or more")
        smart = published(store)[":".join(key)]["smart_average_pct"]
        if len(fast) >= 3:
            assert smart == pytest.approx(sum(fast[:3]) / 3)
            checked_with += 1
        else:
            assert smart is None
            checked_without += 1
    assert checked_with > 50


def test_the_weighted_average_uses_the_matrix_published_before_the_quarter(store):
    for year in (2011, 2012):
        matrix = FLOWS / f"bilateral_remittance_matrix_{year}.xlsx"
        import_bytes(store, "bilateral-matrix", matrix.read_bytes(), matrix.name)
    import_bytes(store, "rpw-quotes", RPW_QUOTES.read_bytes())
    # a matrix appears about two years after its reference year
    for period, expected_year in (("2013Q2", 2011), ("2014Q1", 2012), ("2012Q3", None)):
        figures = period_figures(store, period)
        assert figures["weight_year"] == expected_year
        if expected_year is None:
            assert figures["global_weighted_average_pct"] is None
            continue
        weights = {(r.source, d): v for r in BilateralFlows.objects(year=expected_year) for d, v in r.flows.items()}
        pairs = [(c["average_total_cost_pct"], weights.get(tuple(key.split(":")[1:]), 0))
                 for key, c in published(store).items() if key.startswith(period) and c["average_total_cost_pct"] is not None]
        expected = sum(a * w for a, w in pairs) / sum(w for _, w in pairs)
        assert figures["global_weighted_average_pct"] == pytest.approx(expected)


def test_2014q1_headline_figures_equal_the_ones_the_world_bank_published(store):
    """RPW issue 9 (March 2014): global weighted average 5.91 %, G20 senders 8.31 %."""
    matrix = FLOWS / "bilateral_remittance_matrix_2012.xlsx"
    import_bytes(store, "bilateral-matrix", matrix.read_bytes(), matrix.name)
    import_bytes(store, "rpw-quotes", RPW_QUOTES.read_bytes())
    figures = period_figures(store, "2014Q1")
    assert figures["weight_year"] == 2012
    assert round(figures["global_weighted_average_pct"], 2) == 5.91
    assert round(figures["g20_senders_average_pct"], 2) == 8.31


def test_a_matrix_imported_after_the_quotes_reweights_the_periods_it_applies_to(store):
    import_bytes(store, "rpw-quotes", RPW_QUOTES.read_bytes())
    assert period_figures(store, "2014Q1")["weight_year"] is None
    matrix = FLOWS / "bilateral_remittance_matrix_2011.xlsx"
    _, dataset = import_bytes(store, "bilateral-matrix", matrix.read_bytes(), matrix.name)
    assert dataset.summary["periods_reweighted"] == ["2013Q1", "2013Q2", "2013Q3", "2013Q4", "2014Q1"]
    assert period_figures(store, "2014Q1")["weight_year"] == 2011
    assert period_figures(store, "2012Q3")["weight_year"] is None


def test_an_import_with_no_progress_for_too_long_is_marked_failed_by_the_timer(store):
    import datetime as dt

    from services.ingest.importer import fail_stalled

    _, done = import_bytes(store, "rpw-quotes", as_csv(*real_rows(50)))
    stuck = Dataset(id=uuid.uuid4().hex[:16], sha256="0" * 64, kind="rpw-quotes", status="processing",
                    created_at=utcnow(), heartbeat_at=utcnow() - dt.timedelta(seconds=1000))
    stuck.save()
    busy = Dataset(id=uuid.uuid4().hex[:16], sha256="1" * 64, kind="rpw-quotes", status="processing",
                   created_at=utcnow(), heartbeat_at=utcnow())
    busy.save()
    assert fail_stalled(store, 900) == [stuck.id]
    stuck.reload(), busy.reload(), done.reload()
    assert stuck.status == "failed" and "no progress for 900 s" in stuck.failure
    assert (busy.status, done.status) == ("processing", "completed")


def test_an_import_job_dead_lettered_after_its_attempts_marks_the_dataset_failed(store):
    from services.ingest.service import import_gave_up

    queued = Dataset(id=uuid.uuid4().hex[:16], sha256="2" * 64, kind="rpw-quotes", status="queued",
                     created_at=utcnow())
    queued.save()
    import_gave_up({"event_id": str(uuid.uuid4()), "type": "dataset.import", "data": {"dataset_id": queued.id}},
                   ConnectionError("store unreachable"))
    queued.reload()
    assert queued.status == "failed" and "dead-letter" in queued.failure and "store unreachable" in queued.failure
    import_gave_up("not even a dict", ValueError("x"))  # a malformed job names no dataset: nothing to mark


def test_a_file_the_parser_cannot_survive_still_ends_failed_with_a_reason(store):
    def exploding_parser(*args, **kwargs):
        yield from ()
        raise RuntimeError("a parser bug")

    dataset_id = uuid.uuid4().hex[:16]
    Dataset(id=dataset_id, sha256="3" * 64, kind="rpw-quotes", created_at=utcnow()).save()
    assert run_import(store, dataset_id, lambda target: target.write(b"x"), parse=exploding_parser) == "failed"
    dataset = Dataset.objects.get(id=dataset_id)
    assert "RuntimeError: a parser bug" in dataset.failure and "upload the file again" in dataset.failure


def test_the_import_command_an_upload_queues_keeps_its_contract(store):
    import base64

    from observatory.events import parse_event
    from services.ingest import uploads

    data = as_csv(*real_rows(5))
    upload_id = uuid.uuid4().hex
    uploads.put_chunk(store, upload_id, 0, base64.b64encode(data).decode())
    answer = uploads.finish_upload(store, upload_id, "rpw-quotes", 1, len(data), hashlib.sha256(data).hexdigest())
    command = Dataset.objects.get(id=answer["id"]).outbox[0]
    assert command["type"] == "dataset.import"
    assert parse_event(command)["data"] == {"dataset_id": answer["id"]}


def test_a_redelivered_import_waits_for_the_live_first_run_and_takes_over_a_dead_ones(store):
    from services.ingest.importer import claim

    head = RPW_QUOTES.read_bytes()[:200_000]
    data = head[:head.rindex(b"\n") + 1]  # the real file's first rows
    dataset_id = uuid.uuid4().hex[:16]
    Dataset(id=dataset_id, sha256="4" * 64, kind="rpw-quotes", status="queued", created_at=utcnow()).save()
    assert claim(store, dataset_id, "first-worker") is not None  # the first run holds it, its heartbeat fresh
    assert claim(store, dataset_id, "second-worker") is None

    def must_not_parse(*args, **kwargs):
        raise AssertionError("a second run parsed the file while the first was alive")

    def first_run_finishes(seconds):  # while the redelivered job waits, the first run completes
        Dataset._get_collection().update_one({"_id": dataset_id}, {"$set": {"status": "completed",
                                                                              "rows_accepted": 1234}})

    assert run_import(store, dataset_id, lambda target: target.write(data), parse=must_not_parse,
                      pause=first_run_finishes) == "completed"
    assert Dataset.objects.get(id=dataset_id).rows_accepted == 1234  # its tallies untouched

    orphan = uuid.uuid4().hex[:16]
    Dataset(id=orphan, sha256="5" * 64, kind="rpw-quotes", status="queued", created_at=utcnow()).save()
    assert claim(store, orphan, "dead-worker") is not None  # then its worker dies: no more heartbeats
    waits = []
    status = run_import(store, orphan, lambda target: target.write(data), lease_seconds=0.5,
                        pause=lambda seconds: (waits.append(seconds), __import__("time").sleep(0.6)))
    taken = Dataset.objects.get(id=orphan)
    assert status == "completed" and waits and taken.claimed_by != "dead-worker"
    assert taken.rows_accepted == taken.rows_total == data.count(b"\n") - 1
