"""Vintages on the real quotes, against the in-process store: a quarter
imported, then re-published revised (some of its real rows removed); each
read ``as_of`` either release answers that release's figures exactly, as
computed here from each file, and ``figure_changes`` says what changed."""
import csv
import datetime as dt
import hashlib
import io
import uuid

import pytest

from observatory.clock import utcnow
from observatory.errors import InvalidInput, NotFound
from observatory.mongo import connect_store
from services.ingest import analysis_queries, operator_review, pruning, queries, vintage_queries
from services.ingest.importer import run_import
from services.ingest.models import Dataset
from services.ingest.store import STORE_ALIAS, IngestStore
from tests.ingest_files import DATABANK, WDI_INFLOWS, as_csv
from tests.vintage_files import averages, quarter_and_revision, total_costs

PERIOD, QUARTER = "2011_1Q", "2011Q1"


@pytest.fixture
def store():
    connect_store(STORE_ALIAS, f"ingest_{uuid.uuid4().hex[:8]}")
    store = IngestStore.connected()
    store.ensure_indexes()
    return store


def import_bytes(store, data):
    dataset_id = uuid.uuid4().hex[:16]
    Dataset(id=dataset_id, sha256=hashlib.sha256(data).hexdigest(), kind="rpw-quotes", created_at=utcnow()).save()
    return dataset_id, run_import(store, dataset_id, lambda target: target.write(data))


@pytest.fixture(scope="module")
def files():
    return quarter_and_revision(PERIOD)


@pytest.fixture
def published(store, files):
    """Both publications: (time of the first release, time of the second)."""
    first_id, status = import_bytes(store, as_csv(files["header"], files["first"]))
    assert status == "completed"
    t1 = vintage_queries.vintage_at(store)["published_at"]
    second_id, status = import_bytes(store, as_csv(files["header"], files["revised"]))
    assert status == "needs_review"  # it removes published quotes: an operator decides
    operator_review.publish_dataset(store, second_id)
    t2 = vintage_queries.vintage_at(store)["published_at"]
    assert t2 > t1
    return t1, t2


def test_as_of_before_and_after_a_republication_answers_each_vintage_exactly(store, files, published):
    t1, t2 = published
    header = files["header"]
    first, first_global = averages(header, files["first"])
    revised, revised_global = averages(header, files["revised"])
    moved, emptied = files["moved"], files["emptied"]
    for at, expected in ((t1, first), (t2, revised), (None, revised)):
        answer = queries.corridor(store, *moved, QUARTER, as_of=at)
        assert answer["average_total_cost_pct"] == pytest.approx(expected[moved], abs=1e-9)
        assert answer["vintage"]["published_at"] == (at or t2)
    assert first[moved] != pytest.approx(revised[moved])
    s, d = header.index("source"), header.index("destination")
    quotes_then = sum(1 for r in files["first"] if (r[s], r[d]) == moved)
    assert len(queries.corridor(store, *moved, QUARTER, as_of=t1)["quotes"]) == quotes_then
    assert len(queries.corridor(store, *moved, QUARTER, as_of=t2)["quotes"]) == quotes_then - 1
    # the other datasets of the quarter: none yet then; the first one, once the revision replaced it
    assert queries.corridor(store, *moved, QUARTER, as_of=t1)["other_datasets"] == []
    assert len(queries.corridor(store, *moved, QUARTER, as_of=t2)["other_datasets"]) == 1

    then, now = (queries.corridor(store, *emptied, QUARTER, as_of=at) for at in (t1, t2))
    assert then["average_total_cost_pct"] == pytest.approx(first[emptied]) and then["average_source"] == "observed"
    assert now["average_total_cost_pct"] is None and not any(q["counted_in_average"] for q in now["quotes"])

    assert queries.indicators(store, QUARTER, as_of=t1)["global_average_pct"] == pytest.approx(first_global)
    assert queries.indicators(store, QUARTER, as_of=t2)["global_average_pct"] == pytest.approx(revised_global)
    listed = {(i["source"], i["destination"]): i["average_total_cost_pct"]
              for i in queries.list_corridors(store, as_of=t1, limit=500)["items"]}
    assert listed == pytest.approx(first)
    history = queries.corridor_history(store, *moved, as_of=t1)["items"]
    assert [(i["period"], i["observed_average_pct"]) for i in history] == [(QUARTER, pytest.approx(first[moved]))]


def test_before_the_first_publication_there_is_nothing_and_the_future_is_refused(store, files, published):
    t1, _ = published
    before = (dt.datetime.fromisoformat(t1.replace("Z", "+00:00")) - dt.timedelta(milliseconds=1)).isoformat()
    with pytest.raises(NotFound):
        queries.corridor(store, *files["moved"], QUARTER, as_of=before)
    with pytest.raises(NotFound):
        queries.indicators(store, as_of=before)
    assert queries.list_corridors(store, as_of=before)["items"] == []
    assert vintage_queries.vintage_at(store, before) is None
    future = (utcnow() + dt.timedelta(days=1)).isoformat()
    for bad in (future, "2014-01-01T00:00:00", "yesterday"):
        with pytest.raises(InvalidInput):
            queries.indicators(store, as_of=bad)


def _changes(store, flow, limit=50, **options):
    items, cursor = [], None
    while True:
        page = vintage_queries.figure_changes(store, flow, cursor=cursor, limit=limit, **options)
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def test_updated_after_returns_only_what_the_republication_changed(store, files, published):
    t1, t2 = published
    header = files["header"]
    moved, emptied = files["moved"], files["emptied"]
    expected = set()
    for amount, column in (("USD200", "cc1.total.cost.."), ("USD500", "cc2.total.cost..")):
        (first, _), (revised, _) = averages(header, files["first"], column), averages(header, files["revised"], column)
        for corridor in set(first) | set(revised):
            if corridor not in revised:
                expected.add((*corridor, amount, "D", None))
            elif first.get(corridor) != pytest.approx(revised[corridor], abs=1e-9):
                expected.add((*corridor, amount, "R", round(revised[corridor], 9)))
    changed = _changes(store, "RPW_CORRIDOR_COST", updated_after=t1)
    assert {(o["SOURCE_AREA"], o["DEST_AREA"], o["AMOUNT"], o["ACTION"],
             round(o["OBS_VALUE"], 9) if "OBS_VALUE" in o else None) for o in changed} == expected
    assert {(s, d) for s, d, *_ in expected} == {moved, emptied}
    assert all(o["validFrom"] == t2 and o["SERIES"] == "OBSERVED" for o in changed)
    assert changed == sorted(changed, key=lambda o: (o["SOURCE_AREA"], o["DEST_AREA"], o["AMOUNT"]))

    indicators = {o["INDICATOR"]: o for o in _changes(store, "RPW_INDICATORS", updated_after=t1)}
    assert indicators["GLOBAL_AVG"]["OBS_VALUE"] == pytest.approx(averages(header, files["revised"])[1])
    assert _changes(store, "RPW_CORRIDOR_COST", updated_after=t2) == []
    assert _changes(store, "FLOWS", updated_after=t1) == []


def test_include_history_and_as_of_give_each_figures_versions(store, files, published):
    t1, t2 = published
    moved = files["moved"]
    first, _ = averages(files["header"], files["first"])
    revised, _ = averages(files["header"], files["revised"])
    history = [o for o in _changes(store, "RPW_CORRIDOR_COST", include_history=True)
               if (o["SOURCE_AREA"], o["DEST_AREA"], o["AMOUNT"]) == (*moved, "USD200")]
    assert [(o["validFrom"], o["validTo"], o["ACTION"]) for o in history] == [(t1, t2, "R"), (t2, None, "R")]
    assert [o["OBS_VALUE"] for o in history] == pytest.approx([first[moved], revised[moved]])
    then = {(o["SOURCE_AREA"], o["DEST_AREA"]): o["OBS_VALUE"]
            for o in _changes(store, "RPW_CORRIDOR_COST", as_of=t1) if o["AMOUNT"] == "USD200"}
    assert then == pytest.approx(first)
    now = _changes(store, "RPW_CORRIDOR_COST")
    assert all(o["ACTION"] == "R" and o["validTo"] is None for o in now)
    assert {(o["SOURCE_AREA"], o["DEST_AREA"]) for o in now if o["AMOUNT"] == "USD200"} == set(revised)


def test_pruning_keeps_what_an_earlier_vintage_reads(store, files, published):
    t1, _ = published
    moved = files["moved"]
    before = queries.corridor(store, *moved, QUARTER, as_of=t1)
    pruning.prune(store, now=utcnow() + dt.timedelta(days=1))  # past every grace period
    assert queries.corridor(store, *moved, QUARTER, as_of=t1) == before
    assert queries.indicators(store, as_of=t1)["global_average_pct"] == pytest.approx(
        averages(files["header"], files["first"])[1])


def test_the_releases_say_what_each_publication_changed(store, published):
    items = vintage_queries.list_vintages(store)["items"]
    assert [i["published_at"] for i in items] == list(published)
    assert items[0]["changes"]["RPW_CORRIDOR_COST"]["D"] == 0 and items[0]["changes"]["RPW_CORRIDOR_COST"]["R"] > 300
    assert items[1]["changes"]["RPW_CORRIDOR_COST"]["D"] >= 1 and items[1]["action"] == "published after review"


def wdi_without_years(years):
    """The real WDI inflows file with the columns of ``years`` removed (a revision that drops them)."""
    rows = list(csv.reader(io.StringIO(WDI_INFLOWS.read_text(encoding="utf-8-sig"))))
    start = next(i for i, r in enumerate(rows) if "Country Code" in r)
    keep = [i for i, name in enumerate(rows[start]) if name not in years]
    return rows[start], [[r[i] for i in keep if i < len(r)] for r in rows[start:]]


def import_kind(store, kind, data):
    dataset_id = uuid.uuid4().hex[:16]
    Dataset(id=dataset_id, sha256=hashlib.sha256(data).hexdigest(), kind=kind, created_at=utcnow()).save()
    return run_import(store, dataset_id, lambda target: target.write(data))


def test_a_country_flows_revision_that_drops_years_deletes_those_figures_only(store):
    header, _ = wdi_without_years(())
    assert import_kind(store, "country-flows", WDI_INFLOWS.read_bytes()) == "completed"
    t1 = vintage_queries.vintage_at(store)["published_at"]
    _, rows = wdi_without_years(("2021", "2022"))
    assert import_kind(store, "country-flows", as_csv(rows[0], rows[1:])) == "completed"
    t2 = vintage_queries.vintage_at(store)["published_at"]
    code, columns = header.index("Country Code"), {y: header.index(y) for y in ("2021", "2022")}
    with open(WDI_INFLOWS, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    body = table[next(i for i, r in enumerate(table) if "Country Code" in r) + 1:]
    dropped = {(r[code], y) for r in body for y, c in columns.items() if c < len(r) and r[c] not in ("", "..")}
    economies = set(store.series.country_series({r[code] for r in body}))  # the file's aggregates are not
    changed = _changes(store, "FLOWS", updated_after=t1, limit=1000)
    assert {(o["REF_AREA"], o["TIME_PERIOD"]) for o in changed} == {(c, y) for c, y in dropped if c in economies}
    assert {o["ACTION"] for o in changed} == {"D"} and all(o["validFrom"] == t2 for o in changed)
    npl = next(r for r in body if r[code] == "NPL")
    then = queries.country_profile(store, "NPL", as_of=t1)["series"]["wdi_inflows_usd_m"]["values"]
    now = queries.country_profile(store, "NPL", as_of=t2)["series"]["wdi_inflows_usd_m"]["values"]
    assert then["2022"] == pytest.approx(float(npl[columns["2022"]]) / 1e6)
    assert "2022" not in now and now["2020"] == then["2020"]
    assert queries.country_profile(store, "NPL")["series"]["wdi_inflows_usd_m"]["values"] == now


def version_total_costs(observations, corridors):
    found = {c: [] for c in corridors}
    for o in observations:
        if (o["SOURCE_AREA"], o["DEST_AREA"]) in found and o["MEASURE"] == "TOTAL_COST" and o["ACTION"] == "R":
            found[(o["SOURCE_AREA"], o["DEST_AREA"])].append((o["PROVIDER"], o["AMOUNT"], o["OBS_VALUE"]))
    return {c: sorted(v) for c, v in found.items()}


def test_provider_prices_as_of_each_vintage_are_that_files_quotes(store, files, published):
    t1, t2 = published
    header, corridors = files["header"], (files["moved"], files["emptied"])
    for at, rows in ((t1, files["first"]), (t2, files["revised"])):
        kept = _changes(store, "RPW_PRICES", limit=1000, as_of=at)
        assert version_total_costs(kept, corridors) == pytest.approx(total_costs(header, rows, corridors))
        s, d = header.index("source"), header.index("destination")
        assert {(o["SOURCE_AREA"], o["DEST_AREA"]) for o in kept} == {(r[s], r[d]) for r in rows}
    released = vintage_queries.list_vintages(store)["items"]
    assert released[0]["changes"]["RPW_PRICES"]["R"] == len(_changes(store, "RPW_PRICES", limit=1000, as_of=t1))


def test_provider_prices_updated_after_are_only_the_removed_quotes(store, files, published):
    t1, t2 = published
    header, moved, emptied = files["header"], files["moved"], files["emptied"]
    changed = _changes(store, "RPW_PRICES", updated_after=t1, limit=1000)
    # only the two corridors whose quotes the revision removed; every other corridor-period is not rewritten
    assert {(o["SOURCE_AREA"], o["DEST_AREA"]) for o in changed} == {moved, emptied}
    assert all(o["validFrom"] == t2 for o in changed)
    first = total_costs(header, files["first"], (moved, emptied))
    revised = total_costs(header, files["revised"], (moved, emptied))
    removed = sum(len(first[c]) - len(revised[c]) for c in (moved, emptied))
    deleted = [o for o in changed if o["ACTION"] == "D" and o["MEASURE"] == "TOTAL_COST"]
    assert len(deleted) == removed and removed > 0
    assert "OBS_VALUE" not in deleted[0]
    assert released_changes(store, "RPW_PRICES")[-1]["D"] == sum(o["ACTION"] == "D" for o in changed)


def released_changes(store, flow):
    return [i["changes"].get(flow) for i in vintage_queries.list_vintages(store)["items"]]


def test_a_key_is_selected_in_the_store_query(store, files, published, monkeypatch):
    t1, _ = published
    moved = files["moved"]
    seen = []
    original = store.vintages.of("RPW_PRICES").find

    def find(query, *args, **kwargs):
        seen.append(query)
        return original(query, *args, **kwargs)
    monkeypatch.setattr(store.vintages.of("RPW_PRICES"), "find", find)
    one = _changes(store, "RPW_PRICES", updated_after=t1, dimensions={"SOURCE_AREA": [moved[0]],
                                                                      "DEST_AREA": [moved[1]]})
    assert one and {(o["SOURCE_AREA"], o["DEST_AREA"]) for o in one} == {moved}
    assert all(q.get("obs.SOURCE_AREA") == {"$in": [moved[0]]} for q in _flat(seen))
    key = one[0]
    seen.clear()
    exact = _changes(store, "RPW_PRICES", updated_after=t1,
                     dimensions={d: [key[d]] for d in ("FREQ", "SOURCE_AREA", "DEST_AREA", "PROVIDER", "PRODUCT",
                                                       "AMOUNT", "MEASURE")})
    assert exact == [o for o in one if all(o[d] == key[d] for d in ("PROVIDER", "PRODUCT", "AMOUNT", "MEASURE"))]
    assert all("skey" in q for q in _flat(seen)) and exact
    with pytest.raises(InvalidInput):
        _changes(store, "RPW_PRICES", dimensions={"NOT_A_DIMENSION": ["x"]})


def _flat(queries):
    """The first clause of each (paged) query: keyset_page wraps a later page's in $and."""
    return [q["$and"][0] if "$and" in q else q for q in queries]


def test_a_series_release_is_in_force_only_once_its_figures_are_written(store, files, monkeypatch):
    """A reader asking while the official series is written sees the release before it, never the new
    release with the old figures (the gateway keeps a release's inputs by its id: it would keep those)."""
    import_bytes(store, as_csv(files["header"], files["first"]))
    before = vintage_queries.vintage_at(store)
    seen = []
    write_series = store.series.write_series

    def write_while_read(series, periods):
        seen.append((vintage_queries.vintage_at(store), analysis_queries.analysis_inputs(store, since=before["id"])))
        write_series(series, periods)

    monkeypatch.setattr(store.series, "write_series", write_while_read)
    data = DATABANK.read_bytes()
    dataset_id = uuid.uuid4().hex[:16]
    Dataset(id=dataset_id, sha256=hashlib.sha256(data).hexdigest(), kind="rpw-corridor-averages",
            created_at=utcnow()).save()
    assert run_import(store, dataset_id, lambda target: target.write(data)) == "completed"
    (during, changes_during), = seen
    assert during == before and changes_during["vintage"] == before and changes_during["figures"] == []
    after = vintage_queries.vintage_at(store)
    assert after["id"] == f"dataset-{dataset_id}"
    changes = analysis_queries.analysis_inputs(store, since=before["id"])
    assert changes["vintage"] == after and not changes["complete"]
    assert {f["series"] for f in changes["figures"]} == {"official"}
