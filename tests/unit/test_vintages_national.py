"""National observations in the one vintage store (mongomock): a first
submission of the real WDI figures published, then a revision (one value
moved, one deleted) embargoed: no vintage before its date has it, at its date
the vintage is the revision, and updatedAfter / includeHistory say exactly
what it changed; the national history view reads the same versions."""
import datetime as dt
import uuid

import mongomock
import pytest

from observatory.clock import utcnow
from services.ingest import as_of, national, national_reads, vintage_queries
from services.ingest.store import IngestStore
from services.ingest.vintages import timestamp_text
from tests.national_files import csv_with, rows, sdmx_csv, submit_validated, wdi_inflows_usd

NRB = {"id": "nrb", "name": "Nepal Rastra Bank", "country": "NPL", "kind": "central_bank"}
FLOW = "NATIONAL_REMITTANCES"
KEY = "A.NPL.WLD._T.INFLOW"


@pytest.fixture
def store():
    store = IngestStore(mongomock.MongoClient(tz_aware=True)[f"ingest_{uuid.uuid4().hex[:8]}"])
    store.ensure_indexes()
    return store


def _values(store, **options):
    """{(series key, period): (ACTION, OBS_VALUE)} of every page of figure_changes."""
    found, cursor = {}, None
    while True:
        page = vintage_queries.figure_changes(store, FLOW, cursor=cursor, limit=2, **options)
        for o in page["items"]:
            key = ".".join(o[d] for d in ("FREQ", "REF_AREA", "COUNTERPART_AREA", "CHANNEL", "MEASURE"))
            found.setdefault((key, o["TIME_PERIOD"]), []).append((o["ACTION"], o.get("OBS_VALUE"), o["validFrom"]))
        cursor = page["next_cursor"]
        if not cursor:
            return {k: v if options.get("include_history") else v[0][:2] for k, v in found.items()}


def text(moment):
    return timestamp_text(moment)


def test_an_embargoed_revision_is_in_no_vintage_before_its_date_then_is_the_vintage(store):
    t0 = utcnow() - dt.timedelta(hours=3)
    national.register_reporter(store, NRB, "operator", now=t0)
    wdi = wdi_inflows_usd("NPL")
    first = submit_validated(store, sdmx_csv(rows("NPL", (2019, 2020))), now=t0)
    national.publish(store, first["id"], "nrb", "nrb", now=t0)
    first_values = {(KEY, "2019"): ("R", pytest.approx(wdi[2019] / 1e6)),
                    (KEY, "2020"): ("R", pytest.approx(wdi[2020] / 1e6))}
    assert _values(store) == first_values

    revised = rows("NPL", (2019,))
    revised[0]["OBS_VALUE"] = round(revised[0]["OBS_VALUE"] * 1.01, 6)
    data = csv_with(csv_with(sdmx_csv(revised + rows("NPL", (2020,))), 2, "ACTION", "R"), 3, "ACTION", "D")
    t1, embargo = t0 + dt.timedelta(hours=1), t0 + dt.timedelta(hours=2)
    second = submit_validated(store, data, now=t1)
    assert national.publish(store, second["id"], "nrb", "nrb", embargo_until=embargo, now=t1)["status"] == "embargoed"
    # embargoed: in no vintage, not even the one of now, and nothing changed after the first release
    for at in (t1, embargo - dt.timedelta(milliseconds=1), None):
        assert _values(store, as_of=text(at) if at else None) == first_values
    assert _values(store, updated_after=text(t0)) == {}

    assert national.publish_due(store, now=embargo) == [second["id"]]
    assert _values(store, as_of=text(embargo - dt.timedelta(milliseconds=1))) == first_values
    assert _values(store, as_of=text(embargo)) == {(KEY, "2019"): ("R", pytest.approx(revised[0]["OBS_VALUE"]))}
    assert _values(store, updated_after=text(t0)) == {(KEY, "2019"): ("R", pytest.approx(revised[0]["OBS_VALUE"])),
                                                      (KEY, "2020"): ("D", None)}
    history = _values(store, include_history=True)
    assert history[(KEY, "2019")] == [("R", pytest.approx(wdi[2019] / 1e6), text(t0)),
                                      ("R", pytest.approx(revised[0]["OBS_VALUE"]), text(embargo))]
    assert [a for a, _, _ in history[(KEY, "2020")]] == ["R", "D"]
    release = vintage_queries.vintage_at(store)
    assert release == {"id": f"national-{second['id']}", "published_at": text(embargo)}
    assert vintage_queries.list_vintages(store)["items"][-1]["changes"] == {FLOW: {"R": 1, "D": 1}}

    # the national history view and the country's series read the same versions
    view = {h["id"]: h for h in national_reads.observation_history(store, "NPL")}
    assert [r["value"] for r in view[f"{KEY}@2019"]["revisions"]] == [pytest.approx(wdi[2019] / 1e6)]
    assert view[f"{KEY}@2019"]["revisions"][0]["submission_id"] == first["id"]
    assert view[f"{KEY}@2020"]["deleted"] == second["id"]
    series = national_reads.country_national(store, "NPL")["series"]
    assert [(p["time_period"], p["revisions"]) for p in series] == [("2019", 1)]
    then = national_reads.country_national(store, "NPL", as_of.published(store, text(t1)))["series"]
    assert [(p["time_period"], p["value"], p["revisions"]) for p in then] == \
        [("2019", pytest.approx(wdi[2019] / 1e6), 0), ("2020", pytest.approx(wdi[2020] / 1e6), 0)]  # none yet then


def test_a_republished_attribute_alone_is_a_revision_and_the_same_file_changes_nothing(store):
    t0 = utcnow() - dt.timedelta(hours=1)
    national.register_reporter(store, NRB, "operator", now=t0)
    first = submit_validated(store, sdmx_csv(rows("NPL", (2019,))), now=t0)
    national.publish(store, first["id"], "nrb", "nrb", now=t0)
    national.publish(store, first["id"], "nrb", "nrb", now=t0 + dt.timedelta(minutes=1))  # again: no release
    assert len(vintage_queries.list_vintages(store)["items"]) == 1
    provisional = rows("NPL", (2019,))
    provisional[0]["OBS_STATUS"] = "P"
    provisional = sdmx_csv(provisional)
    second = submit_validated(store, provisional, now=t0 + dt.timedelta(minutes=2))
    assert second["status"] == "validated", second
    national.publish(store, second["id"], "nrb", "nrb", now=t0 + dt.timedelta(minutes=2))
    changed = vintage_queries.figure_changes(store, FLOW, updated_after=text(t0))["items"]
    assert [(o["ACTION"], o.get("OBS_STATUS")) for o in changed] == [("R", "P")]


def test_a_country_profile_as_of_a_vintage_has_that_vintages_matrix_and_national_figures(store):
    import hashlib

    from services.ingest import queries
    from services.ingest.importer import run_import
    from tests.ingest_files import FLOWS

    def load(path, kind):
        dataset_id = uuid.uuid4().hex[:16]
        store.datasets.create({"_id": dataset_id, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                               "kind": kind, "filename": path.name, "status": "queued", "created_at": utcnow(),
                               "outbox": [], "applied_events": []})
        assert run_import(store, dataset_id, lambda target: target.write(path.read_bytes())) == "completed"

    load(FLOWS / "bilateral_remittance_matrix_2012.xlsx", "bilateral-matrix")
    t_matrix = vintage_queries.vintage_at(store)["published_at"]
    senders_2012 = {s["source"]: s["usd_millions"] for s in store.series.senders_to(2012, "NPL")}
    t0 = utcnow()
    national.register_reporter(store, NRB, "operator", now=t0)
    submission = submit_validated(store, sdmx_csv(rows("NPL", (2019,))), now=t0)
    national.publish(store, submission["id"], "nrb", "nrb", now=t0)
    load(FLOWS / "bilateral_remittance_matrix_2013.xlsx", "bilateral-matrix")

    then = queries.country_profile(store, "NPL", as_of=t_matrix)
    assert then["top_sending_countries"]["year"] == 2012 and then["national"]["series"] == []  # not yet published
    assert {s["source"]: s["usd_millions"] for s in then["top_sending_countries"]["items"]} == pytest.approx(
        dict(sorted(senders_2012.items(), key=lambda kv: -kv[1])[:10]))
    now = queries.country_profile(store, "NPL")
    assert now["top_sending_countries"]["year"] == 2013
    assert [(p["time_period"], p["value"]) for p in now["national"]["series"]] == [
        ("2019", pytest.approx(wdi_inflows_usd("NPL")[2019] / 1e6))]
    pinned = queries.country_profile(store, "NPL", as_of=text(t0))
    assert pinned["national"]["series"] == now["national"]["series"] and pinned["national"]["label"] == \
        "submitted by Nepal Rastra Bank"
    assert pinned["top_sending_countries"]["year"] == 2012
