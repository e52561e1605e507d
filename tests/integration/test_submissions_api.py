"""National submissions end to end on the real broker: an operator registers
reporting institutions and mints their tokens; a central bank submits files
written by pysdmx and sdmx1 from the observatory's structure with WDI's real
figures (each answered 202 ``processing`` at once, then validated by its job);
hostile files are refused with their row errors and change nothing;
a reporter sees only its own; an embargoed release is invisible everywhere
(API, export, page, feed) and on releases.ics until its date, then visible at
once, and a subscriber's webhook receives the signed national alert."""
import datetime as dt
import io

import openpyxl
import pytest
import requests
from icalendar import Calendar

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.parsers.sdmx_xlsx import template_columns
from services.ingest.service import IngestService
from services.notify.service import NotifyService
from tests.conftest import wait_for
from tests.ingest_files import FLOWS, WDI_INFLOWS
from tests.live import import_datasets, live_services
from tests.national_files import csv_with, csv_with_row_repeated, rows, sdmx_csv, sdmx_ml, wdi_inflows_usd
from tests.notify_helpers import Receiver

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform]
ADMIN = "obs_national-admin-token-0123456789abcdefghijklmnopqrs"
API = "/api/v1"
CSV2 = "application/vnd.sdmx.data+csv;version=2.0.0"
CSV1 = "application/vnd.sdmx.data+csv;version=1.0.0"
ML = "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MATRIX_2018 = FLOWS / "bilateral_remittance_matrix_2018_countries_only.csv"


@pytest.fixture(scope="module")
def platform(vhost_pipeline):
    receiver = Receiver()
    services = (GatewayService, IngestService, CatalogService, NotifyService)
    with live_services(vhost_pipeline, services, ADMIN, WEBHOOK_ALLOW_PRIVATE_NETWORKS="1",
                       NOTIFY_DELIVERY_SECONDS=0.2, MAX_UPLOAD_BYTES=16 * 1024 * 1024) as base:
        operator = {"Authorization": f"Bearer {ADMIN}"}
        import_datasets(base, ADMIN, [(WDI_INFLOWS, "country-flows")])
        matrix = requests.post(f"{base}{API}/datasets", params={"kind": "bilateral-matrix", "year": 2018},
                               data=MATRIX_2018.read_bytes(), headers=operator, timeout=60)
        assert matrix.status_code == 202, matrix.text
        wait_for(lambda: get({"base": base}, f"{API}/datasets/{matrix.json()['id']}", operator).json()["status"]
                 == "completed", timeout=120, interval=0.5, what="the 2018 matrix")
        tokens = {}
        for reporter in ({"id": "nrb", "name": "Nepal Rastra Bank", "country": "NPL", "kind": "central_bank"},
                         {"id": "bb", "name": "Bangladesh Bank", "country": "BGD", "kind": "central_bank"}):
            created = requests.post(f"{base}{API}/reporters", json=reporter, headers=operator, timeout=30)
            assert created.status_code == 201, created.text
            minted = requests.post(f"{base}{API}/credentials", json={"role": "reporter", "reporter_id": reporter["id"]},
                                   headers=operator, timeout=30)
            assert minted.status_code == 201, minted.text
            tokens[reporter["id"]] = {"Authorization": f"Bearer {minted.json()['token']}"}
        yield {"base": base, "operator": operator, "tokens": tokens, "receiver": receiver}
    receiver.close()


def submit(platform, data, content_type, reporter="nrb"):
    headers = {**platform["tokens"][reporter], "Content-Type": content_type}
    return requests.post(platform["base"] + API + "/submissions", data=data, headers=headers, timeout=60)


def settled(platform, answer, reporter="nrb"):
    """The submission once its validation job ran: the upload answers at once, 202 ``processing``."""
    assert answer.status_code == 202 and answer.json()["status"] == "processing", answer.text
    path, token = f"{API}/submissions/{answer.json()['id']}", platform["tokens"][reporter]
    wait_for(lambda: get(platform, path, token).json()["status"] != "processing", timeout=60, interval=0.2,
             what="the submission's validation")
    return get(platform, path, token).json()


def get(platform, path, headers=None, **params):
    return requests.get(platform["base"] + path, params=params, headers=headers or {}, timeout=30)


def national_of(platform, iso3="NPL"):
    return get(platform, f"{API}/countries/{iso3}").json()["national"]


def visible(platform, iso3="NPL"):
    """What anyone can see of the country's national statistics: API series, SDMX-CSV rows, page table."""
    export = get(platform, f"{API}/exports/countries/{iso3}/national.sdmx.csv").text.strip().splitlines()
    page = get(platform, f"/countries/{iso3}").text
    return national_of(platform, iso3)["series"], export[1:], 'id="national-series"' in page


def test_reporters_and_their_tokens(platform):
    listed = get(platform, f"{API}/reporters", platform["operator"]).json()["items"]
    assert [(r["id"], r["country"]) for r in listed] == [("bb", "BGD"), ("nrb", "NPL")]
    assert get(platform, f"{API}/reporters", platform["tokens"]["nrb"]).status_code == 403
    assert get(platform, f"{API}/me", platform["tokens"]["nrb"]).json()["role"] == "reporter"
    post = lambda body: requests.post(platform["base"] + API + "/credentials", json=body, headers=platform["operator"],
                                      timeout=30)
    assert post({"role": "reporter", "reporter_id": "nobody"}).status_code == 404
    assert post({"role": "reporter"}).json()["details"]["fields"] == {"reporter_id": ["required for role 'reporter'"]}
    assert post({"role": "subscriber", "subscriber_id": "x", "reporter_id": "nrb"}).status_code == 400
    assert requests.post(platform["base"] + API + "/reporters", headers=platform["operator"], timeout=30, json={
        "id": "nrb", "name": "Nepal Rastra Bank", "country": "NPL", "kind": "central_bank", "extra": 1}
    ).status_code == 400


def test_hostile_submissions_are_refused_with_their_row_errors_and_change_nothing(platform):
    real = sdmx_csv(rows("NPL", (2018, 2019, 2020)))
    before = visible(platform)
    hostile = {
        "wrong country": (csv_with(real, 2, "REF_AREA", "IND"), (2, "REF_AREA")),
        "unknown code": (csv_with(real, 3, "CHANNEL", "CARRIER_PIGEON"), (3, "CHANNEL")),
        "non-numeric": (csv_with(real, 4, "OBS_VALUE", "8,2e"), (4, "OBS_VALUE")),
        "bad period": (csv_with(real, 2, "TIME_PERIOD", "2018-Q5"), (2, "TIME_PERIOD")),
        "duplicate key": (csv_with_row_repeated(real, 3), (5, "TIME_PERIOD")),
    }
    for name, (data, where) in hostile.items():
        got = settled(platform, submit(platform, data, CSV2))
        assert got["status"] == "failed", (name, got)
        assert [(e["row"], e["column"]) for e in got["errors"]] == [where], name
        refused = requests.post(f"{platform['base']}{API}/submissions/{got['id']}/publish",
                                headers=platform["tokens"]["nrb"], timeout=30)
        assert refused.status_code == 409, name
    ml = sdmx_ml(rows("NPL", (2018,)))
    head, rest = ml.split(b"?>", 1)
    xxe = settled(platform, submit(platform, head + b'?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + rest,
                                   ML))
    assert xxe["status"] == "failed" and "DTD" in xxe["failure"]
    deep = settled(platform, submit(platform, ml.replace(b"</mes:Header>", b"</mes:Header>" + b"<a>" * 40 + b"</a>" * 40,
                                                         1), ML))
    assert deep["status"] == "failed"
    huge = submit(platform, real + b"\n" * (5 * 1024 * 1024), CSV2)
    assert huge.status_code == 413 and huge.json()["error"]
    assert submit(platform, real, "application/pdf").status_code == 415
    assert settled(platform, submit(platform, real, CSV1))["status"] == "failed"  # a 2.0 file said to be 1.0
    assert visible(platform) == before


def test_a_reporter_sees_and_publishes_only_its_own(platform):
    theirs = settled(platform, submit(platform, sdmx_csv(rows("BGD", (2019,))), CSV2, reporter="bb"), "bb")
    assert theirs["status"] == "validated"
    nrb = platform["tokens"]["nrb"]
    assert get(platform, f"{API}/submissions/{theirs['id']}", nrb).status_code == 404
    assert requests.post(f"{platform['base']}{API}/submissions/{theirs['id']}/publish", headers=nrb,
                         timeout=30).status_code == 404
    mine = {s["reporter_id"] for s in get(platform, f"{API}/submissions", nrb).json()["items"]}
    assert mine == {"nrb"}
    everyone = {s["reporter_id"] for s in get(platform, f"{API}/submissions", platform["operator"]).json()["items"]}
    assert everyone == {"nrb", "bb"}
    assert requests.post(f"{platform['base']}{API}/submissions", data=b"x", timeout=30,
                         headers={**platform["operator"], "Content-Type": CSV2}).status_code == 403


def _subscribe(platform):
    base, operator = platform["base"], platform["operator"]
    assert requests.post(f"{base}{API}/subscribers", headers=operator, timeout=30,
                         json={"id": "mof-npl", "name": "Ministry of Finance (NPL)", "country": "NPL"}).status_code == 201
    minted = requests.post(f"{base}{API}/credentials", headers=operator, timeout=30,
                           json={"role": "subscriber", "subscriber_id": "mof-npl"}).json()
    token = {"Authorization": f"Bearer {minted['token']}"}
    hook = requests.post(f"{base}{API}/subscriptions", headers=token, timeout=30, json={
        "event_types": ["national.published"], "countries": [{"country": "NPL"}],
        "channel": {"type": "webhook", "url": platform["receiver"].url}, "cadence": "immediate"})
    assert hook.status_code == 201, hook.text
    platform["receiver"].secrets.append(hook.json()["secret"])
    feed = requests.post(f"{base}{API}/subscriptions", headers=token, timeout=30,
                         json={"event_types": ["national.published"], "channel": {"type": "feed"}})
    assert feed.status_code == 201, feed.text
    return token, {hook.json()["id"], feed.json()["id"]}


def _calendar_uids(platform):
    feed = get(platform, f"{API}/releases.ics")
    return {str(e["uid"]) for e in Calendar.from_ical(feed.content).walk() if e.name == "VEVENT"}


def test_an_embargoed_release_is_invisible_until_its_date_then_visible_at_once_and_alerted(platform):
    subscriber, subscriptions = _subscribe(platform)
    answer = settled(platform, submit(platform, sdmx_ml(rows("NPL", (2018, 2019, 2020))), ML))
    assert answer["status"] == "validated", answer
    submission_id = answer["id"]
    before = visible(platform)
    until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=8)
    held = requests.post(f"{platform['base']}{API}/submissions/{submission_id}/publish", timeout=30,
                         headers=platform["tokens"]["nrb"], json={"embargo_until": until.isoformat()})
    assert held.status_code == 200 and held.json()["status"] == "embargoed", held.text
    assert f"national-{submission_id}@remittances-observatory" in _calendar_uids(platform)
    upcoming = get(platform, f"{API}/releases/upcoming").json()["items"]
    assert [(u["submission_id"], u["country"]) for u in upcoming] == [(submission_id, "NPL")]
    assert visible(platform) == before == ([], [], False)
    assert get(platform, f"{API}/notifications", subscriber).json()["items"] == []
    assert platform["receiver"].received == []

    wait_for(lambda: national_of(platform)["series"], timeout=30, interval=0.2, what="the release")
    assert dt.datetime.now(dt.timezone.utc) >= until
    series, export, on_page = visible(platform)
    wdi = wdi_inflows_usd("NPL")
    assert {s["time_period"]: s["value"] for s in series} == pytest.approx({str(y): wdi[y] / 1e6 for y in (2018, 2019, 2020)})
    assert len(export) == 3 and on_page
    assert national_of(platform)["label"] == "submitted by Nepal Rastra Bank"
    mirror = {m["year"]: m for m in national_of(platform)["mirror_check"]}
    assert mirror[2018]["wdi_gap_pct"] == 0.0 and mirror[2018]["matrix_usd_millions"] > 0
    assert f"national-{submission_id}@remittances-observatory" not in _calendar_uids(platform)
    wait_for(lambda: platform["receiver"].received, timeout=30, interval=0.2, what="the webhook")
    headers, body, verified = platform["receiver"].received[0]
    assert verified and body["type"] == "national.published" and body["data"]["submission_id"] == submission_id
    feed = get(platform, f"{API}/notifications", subscriber).json()["items"]
    assert sorted((n["subscription_id"], n["type"], n["data"]["submission_id"]) for n in feed) == sorted(
        (s, "national.published", submission_id) for s in subscriptions)  # once per subscription
    log = get(platform, f"{API}/submissions/{submission_id}", platform["operator"]).json()["log"]
    assert [(e["action"], e["by"]) for e in log] == [("submitted", "reporter:nrb"), ("embargoed", "reporter:nrb"),
                                                     ("published", "embargo")]


def test_a_revision_through_the_template_replaces_the_value_and_is_audited(platform):
    template = get(platform, f"{API}/submissions/template.xlsx")
    assert template.status_code == 200 and template.headers["Content-Type"].startswith(XLSX)
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    assert [c.value for c in book["data"][1]] == template_columns()
    revised = rows("NPL", (2020,))[0]
    revised.update(OBS_VALUE=round(revised["OBS_VALUE"] * 1.02, 6), ACTION="R", OBS_STATUS="P")
    book["data"].append([revised.get(column, "") for column in template_columns()])
    out = io.BytesIO()
    book.save(out)
    answer = settled(platform, submit(platform, out.getvalue(), XLSX))
    assert answer["status"] == "validated", answer
    published = requests.post(f"{platform['base']}{API}/submissions/{answer['id']}/publish",
                              headers=platform["operator"], timeout=30).json()
    assert published["status"] == "published" and published["log"][-1]["revised"] == 1
    assert published["log"][-1]["revised_keys"] == ["A.NPL.WLD._T.INFLOW@2020"]
    assert published["log"][-1]["by"].startswith("operator")
    point = next(s for s in national_of(platform)["series"] if s["time_period"] == "2020")
    assert point["value"] == pytest.approx(revised["OBS_VALUE"]) and point["revisions"] == 1
    history = {h["id"]: h for h in get(platform, f"{API}/countries/NPL/national/revisions").json()["items"]}
    earlier = history["A.NPL.WLD._T.INFLOW@2020"]["revisions"]
    assert [r["value"] for r in earlier] == [pytest.approx(wdi_inflows_usd("NPL")[2020] / 1e6)]
