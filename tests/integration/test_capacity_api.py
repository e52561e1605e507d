"""Capacity building through the gateway on the real broker (issue 21): member
institutions and their tokens, scope, private contacts, peer-learning requests
that reach the theme's followers, a national plan tracked against the real RPW
quotes (off track, and the alert when a later publication slips it), and
scheduled exports arriving at a local SMTP server and a webhook receiver."""
import csv
import email
import io
import json

import pytest
import requests

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from services.notify.service import NotifyService
from tests.conftest import wait_for
from tests.ingest_files import RPW_QUOTES
from tests.integration.capacity_helpers import (PRIVATE_EMAIL, Api, SmtpInbox, library_themes, publish,
                                                 rising_corridor, truncated_quotes)
from tests.live import free_port, live_services
from tests.notify_helpers import Receiver
from tests.unit.notify_events import observed_series
from tests.unit.test_sdmx_real_data import published

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform]
ADMIN = "obs_capacity-admin-token-0123456789abcdefghijklmnopqrstu"


@pytest.fixture(scope="module")
def platform(vhost_pipeline, tmp_path_factory):
    receiver, inbox, port = Receiver(), SmtpInbox(), free_port()
    services = (GatewayService, IngestService, CatalogService, NotifyService)
    with live_services(vhost_pipeline, services, ADMIN, MAX_UPLOAD_BYTES=16 * 1024 * 1024,
                       WEB_SERVER_ADDRESS=f"127.0.0.1:{port}", GATEWAY_URL=f"http://127.0.0.1:{port}",
                       WEBHOOK_ALLOW_PRIVATE_NETWORKS="1", NOTIFY_DELIVERY_SECONDS=0.2, NOTIFY_EXPORT_SECONDS=0.3,
                       SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port):
        base = f"http://127.0.0.1:{port}"  # the address given, which notify fetches exports from
        api = Api(base, ADMIN)
        for member_id, country, kind in (("nrb-nepal", "NPL", "central_bank"), ("bsp-philippines", "PHL",
                                                                                  "central_bank")):
            assert api.post("/members", {"id": member_id, "name": f"Central bank of {country}", "country": country,
                                         "kind": kind}, ADMIN).status_code == 201
        tokens = {m: api.member_token(m) for m in ("nrb-nepal", "bsp-philippines")}
        yield {"api": api, "base": base, "receiver": receiver, "inbox": inbox, "tokens": tokens,
               "tmp": tmp_path_factory.mktemp("capacity")}
    receiver.close()
    inbox.close()


def test_an_institution_edits_only_its_own_things_and_private_contacts_appear_nowhere_public(platform):
    api, nrb, bsp = platform["api"], platform["tokens"]["nrb-nepal"], platform["tokens"]["bsp-philippines"]
    points = [{"id": "quiet", "name": "A. Quiet", "role": "statistician", "themes": ["data"], "listed": True,
               "contact": {"email": PRIVATE_EMAIL}, "share_contact_with": "none"},
              {"id": "peer", "name": "B. Peer", "role": "head of payments", "listed": True,
               "contact": {"email": "peer@nrb.example.org"}, "share_contact_with": "members"},
              {"id": "hidden", "name": "C. Hidden", "role": "analyst", "listed": False}]
    for point in points:
        assert api.post("/members/nrb-nepal/focal-points", point, nrb).status_code == 201
    assert api.post("/members/nrb-nepal/focal-points", {"name": "Intruder", "role": "x"}, bsp).status_code == 403
    assert api.patch("/members/nrb-nepal/focal-points/peer", {"listed": False}, bsp).status_code == 403
    assert api.patch("/members/nrb-nepal/focal-points/peer", {"role": "director of payments"}, nrb).status_code == 200
    plan = {"title": "x", "baseline": {"period": "2011Q1", "cost_pct": 9}, "targets": [{"year": 2014, "cost_pct": 5}],
            "corridors": ["QAT-NPL"]}
    assert api.put("/plans/nrb-nepal", plan, bsp).status_code == 403
    stranger = {"id": "x-y", "name": "X", "country": "NPL", "kind": "ministry"}
    assert api.post("/members", stranger, nrb).status_code == 403

    public = api.get("/members/nrb-nepal").json()
    assert [p["id"] for p in public["focal_points"]] == ["quiet", "peer"]
    assert all("contact" not in p for p in public["focal_points"]) and "audit" not in public
    as_peer = {p["id"]: p for p in api.get("/members/nrb-nepal", bsp).json()["focal_points"]}
    assert "contact" not in as_peer["quiet"] and as_peer["peer"]["contact"]["email"] == "peer@nrb.example.org"
    own = {p["id"]: p for p in api.get("/members/nrb-nepal", nrb).json()["focal_points"]}
    assert own["quiet"]["contact"]["email"] == PRIVATE_EMAIL and own["peer"]["role"] == "director of payments"
    assert set(own) == {"quiet", "peer", "hidden"}
    for path in ("/members", "/members/nrb-nepal", "/resources", "/resources/events.ics", "/requests",
                 "/exports/corridors.csv", "/openapi.json"):
        answer = api.get(path)
        assert PRIVATE_EMAIL not in answer.text, path
    for page in ("/members/nrb-nepal", "/resources", "/requests"):
        answer = requests.get(platform["base"] + page, timeout=30)
        assert answer.status_code == 200 and PRIVATE_EMAIL not in answer.text, page
    # a member institution is a subscriber too: its token works where a subscriber's does
    assert api.get("/me", nrb).json()["role"] == "member"
    feed = api.post("/subscriptions", {"event_types": ["practice.published"], "channel": {"type": "feed"}}, nrb)
    assert feed.status_code == 201 and feed.json()["subscriber_id"] == "nrb-nepal"
    assert [x["id"] for x in api.get("/subscriptions", nrb).json()["items"]] == [feed.json()["id"]]
    assert api.get("/subscriptions", bsp).json()["items"] == []  # each institution lists its own
    assert api.get("/notifications", nrb).status_code == 200 and api.get("/deliveries", nrb).status_code == 200
    assert api.delete(f"/subscriptions/{feed.json()['id']}", bsp).status_code == 404  # not its own
    assert api.delete(f"/subscriptions/{feed.json()['id']}", nrb).status_code == 200
    assert api.get("/subscriptions", nrb).json()["items"] == []
    assert api.get("/workspace", ADMIN).status_code == 403 and api.get("/workspace").status_code == 401


def test_a_request_on_a_theme_gets_its_practices_and_resources_and_notifies_its_followers(platform):
    api, receiver = platform["api"], platform["receiver"]
    nrb, bsp = platform["tokens"]["nrb-nepal"], platform["tokens"]["bsp-philippines"]
    themes = library_themes()
    theme, other = themes[0], themes[-1]
    resource = api.post("/resources", {"id": "compiling-guide", "kind": "guide", "title": "Compiling remittance data",
                                       "themes": [theme], "languages": ["en"]}, ADMIN)
    assert resource.status_code == 201 and resource.json()["status"] == "published"
    proposal = api.post("/resources", {"kind": "webinar", "title": "A member's webinar", "themes": [theme],
                                       "start": "2026-03-02T10:00:00+00:00"}, bsp)
    assert proposal.status_code == 201 and proposal.json()["status"] == "proposed"
    assert proposal.json()["id"] not in {r["id"] for r in api.get("/resources").json()["items"]}
    assert [r["id"] for r in api.get("/workspace", bsp).json()["resources"]] == [proposal.json()["id"]]
    assert api.get("/workspace", nrb).json()["resources"] == []  # its submissions are its own
    assert "A member's webinar" not in api.get("/resources/events.ics").text
    moderated = api.post(f"/resources/{proposal.json()['id']}/moderate", {"status": "published"}, ADMIN)
    assert moderated.status_code == 200 and moderated.json()["status"] == "published"
    feed = api.get("/resources/events.ics")
    assert feed.headers["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:A member's webinar" in feed.text and "DTSTART:20260302T100000Z" in feed.text
    receiver.secrets.clear()
    for token, followed in ((bsp, theme), (nrb, other)):
        made = api.post("/subscriptions", {"event_types": ["request.published"], "practice_themes": [followed],
                                           "channel": {"type": "webhook", "url": receiver.url}}, token)
        assert made.status_code == 201, made.text
        receiver.secrets.append(made.json()["secret"])
    asked = api.post("/requests", {"request_id": "r-1", "title": f"Help with {theme}", "theme": theme}, nrb)
    assert asked.status_code == 201 and asked.json()["status"] == "proposed"
    again = api.post("/requests", {"request_id": "r-1", "title": f"Help with {theme}", "theme": theme}, nrb)
    assert again.json()["id"] == asked.json()["id"]  # at-least-once: the same request id asks once
    request_id = asked.json()["id"]
    assert api.get(f"/requests/{request_id}").status_code == 404  # not public before moderation
    assert api.post(f"/requests/{request_id}/moderate", {"status": "published"}, bsp).status_code == 403
    assert api.post(f"/requests/{request_id}/moderate", {"status": "published"}, ADMIN).status_code == 200

    wait_for(lambda: any(b["type"] == "request.published" for _, b, _ in receiver.received), timeout=20,
             what="request.published at the follower's webhook")
    got = [(h, b, ok) for h, b, ok in receiver.received if b["type"] == "request.published"]
    assert len(got) == 1 and got[0][2] is True  # the follower of the theme, signed; not the other theme's
    assert got[0][1]["data"]["request_id"] == request_id and got[0][1]["data"]["theme"] == theme
    # the follower's own feed and delivery log hold it too (a member token reads them as a subscriber's does)
    wait_for(lambda: any(n["type"] == "request.published" for n in api.get("/notifications", bsp).json()["items"]),
             timeout=20, what="request.published in the follower's notifications")
    logged = api.get("/deliveries", bsp).json()["items"]
    assert any(d["status"] == "delivered" for d in logged) and api.get("/deliveries", nrb).json()["items"] == []

    suggested = api.get(f"/requests/{request_id}/suggestions").json()
    with_theme = {p["id"] for p in json.load(open("services/catalog/practices.json")) if theme in p["themes"]}
    assert {p["id"] for p in suggested["practices"]} <= with_theme
    assert len(suggested["practices"]) == min(5, len(with_theme))
    of_theme = {r["id"] for r in api.get(f"/resources?theme={theme}").json()["items"]}
    assert {r["id"] for r in suggested["resources"]} == of_theme == {"compiling-guide", proposal.json()["id"]}

    answered = api.post(f"/requests/{request_id}/answers", {"request_id": "a-1", "body": "We did this."}, bsp)
    assert answered.status_code == 201
    answer_id = answered.json()["answers"][0]["id"]
    assert api.post(f"/requests/{request_id}/answers/{answer_id}/helpful", None, bsp).status_code == 403
    helped = api.post(f"/requests/{request_id}/answers/{answer_id}/helpful", None, nrb)
    assert helped.status_code == 200 and helped.json()["answers"][0]["helpful"] is True


def test_a_plan_below_the_observed_cost_is_off_track_and_its_slip_is_alerted_on_a_later_publication(platform):
    api, receiver, base = platform["api"], platform["receiver"], platform["base"]
    series = observed_series()
    corridor, before, after = rising_corridor(series)  # its 2013Q4 and 2014Q1 observed costs
    member = "plan-ministry"
    assert api.post("/members", {"id": member, "name": "Ministry of Finance", "country": corridor[1],
                                 "kind": "ministry"}, ADMIN).status_code == 201
    token = api.member_token(member)
    # the published figures up to 2013Q4 first (the real file's rows of those quarters)
    publish(base, ADMIN, truncated_quotes(platform["tmp"], "2013"), "rpw-quotes")
    # a target below the observed cost, on a path the 2013Q4 cost is just within: on track
    target = round(before - 1.0, 4)
    baseline = round((before + 0.05 - target / 5) * 5 / 4, 4)
    plan = {"title": "National remittance plan", "baseline": {"period": "2013Q3", "cost_pct": baseline},
            "targets": [{"year": 2014, "cost_pct": target}], "corridors": ["-".join(corridor)]}
    saved = api.put(f"/plans/{member}", plan, token)
    assert saved.status_code == 200, saved.text
    first = saved.json()["progress"]["targets"][0]
    assert (first["status"], first["observed_period"]) == ("on_track", "2013Q4")
    assert first["observed_pct"] == pytest.approx(before, abs=5e-5)  # shown to 4 decimals
    receiver.secrets.clear()
    alert = api.post("/subscriptions", {"event_types": ["plan.target.changed"],
                                        "countries": [{"country": corridor[1]}],
                                        "channel": {"type": "webhook", "url": receiver.url}}, token)
    receiver.secrets.append(alert.json()["secret"])

    publish(base, ADMIN, RPW_QUOTES, "rpw-quotes")  # 2014Q1 published: the cost rose past the path
    wait_for(lambda: any(b["type"] == "plan.target.changed" for _, b, _ in receiver.received), timeout=120,
             what="plan.target.changed at the member's webhook")
    (headers, body, verified), = [r for r in receiver.received if r[1]["type"] == "plan.target.changed"]
    assert verified is True
    data = body["data"]
    assert (data["member_id"], data["year"], data["change"], data["from"], data["to"]) == (
        member, 2014, "slipped", "on_track", "off_track")
    assert data["observed_period"] == "2014Q1" and data["observed_pct"] == pytest.approx(after, abs=5e-5)
    shown = api.get(f"/plans/{member}").json()["progress"]["targets"][0]
    assert shown["status"] == "off_track" and shown["observed_pct"] > shown["cost_pct"]
    country_page = requests.get(f"{base}/countries/{corridor[1]}/plans", timeout=30)
    assert country_page.status_code == 200 and "off track" in country_page.text


def _mean_fall_into(country, series):
    """The mean first-minus-newest observed cost of the corridors into ``country``, from the raw file."""
    falls = {c: s[0][1] - s[-1][1] for c, s in series.items() if c[1] == country and len(s) > 1}
    return sum(falls.values()) / len(falls), len(falls), max(falls.values())


def test_a_cost_request_is_suggested_the_adopters_and_the_member_states_whose_corridors_got_cheaper(platform):
    """Issue 21: "the member states that fit (those that adopted the practice, or whose corridors improved
    most)". Published: the real quotes file (observed 2011Q1-2014Q1). Into PHL the corridors got cheaper on
    average, into NPL dearer; the library records KEN as adopting mobile money (a cost-reduction practice)."""
    api, base = platform["api"], platform["base"]
    nrb, bsp = platform["tokens"]["nrb-nepal"], platform["tokens"]["bsp-philippines"]
    publish(base, ADMIN, RPW_QUOTES, "rpw-quotes")  # published already when the plan test ran first: same dataset
    series = observed_series()
    for country in ("NPL", "PHL"):  # every corridor into them has an observed figure in each of its periods
        with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
            assert {(r["source"], r["destination"]) for r in csv.DictReader(f) if r["destination"] == country} \
                == {c for c in series if c[1] == country}
    phl_fall, phl_corridors, phl_best = _mean_fall_into("PHL", series)
    assert phl_fall > 0 > _mean_fall_into("NPL", series)[0]
    asked = api.answered("POST", "/requests", {"request_id": "cost-1", "title": "Lowering what our migrants pay",
                                               "theme": "cost reduction"}, nrb)
    assert asked.status_code == 201, asked.text
    suggested = api.answered("GET", f"/requests/{asked.json()['id']}/suggestions", token=nrb).json()
    assert "mobile-money-channels" in [p["id"] for p in suggested["practices"]]
    states = {s["country"]: s for s in suggested["member_states"]}
    assert [s["country"] for s in suggested["member_states"]] == ["KEN", "PHL"]  # adopters first; never NPL itself
    assert states["KEN"]["adopted"] == ["mobile-money-channels"] and states["KEN"]["institutions"] == []
    change = states["PHL"]["cost_change"]
    assert states["PHL"]["institutions"] == ["bsp-philippines"] and change["corridors"] == phl_corridors
    assert change["drop_pct_points"] == pytest.approx(phl_fall, abs=1e-3)
    assert change["best"]["drop_pct_points"] == pytest.approx(phl_best, abs=1e-3)
    assert change["best"]["series"] == "observed" and change["best"]["newest_period"] == "2014Q1"
    assert [m["id"] for m in suggested["members"]] == ["bsp-philippines"]

    from_phl = api.answered("POST", "/requests", {"request_id": "cost-2", "title": "Cheaper transfers",
                                                  "theme": "cost reduction"}, bsp)
    others = api.answered("GET", f"/requests/{from_phl.json()['id']}/suggestions", token=bsp).json()["member_states"]
    assert [s["country"] for s in others] == ["KEN"]  # NPL's corridors got dearer: not suggested on cost
    on_data = api.answered("POST", "/requests", {"request_id": "data-1", "title": "Compiling statistics",
                                                 "theme": "statistics"}, bsp)
    assert api.answered("GET", f"/requests/{on_data.json()['id']}/suggestions", token=bsp).json()["member_states"] == []


def test_a_scheduled_export_arrives_by_email_and_by_signed_webhook_with_its_corridor_set(platform):
    api, receiver, inbox = platform["api"], platform["receiver"], platform["inbox"]
    nrb = platform["tokens"]["nrb-nepal"]
    latest = {c: s[-1] for c, s in observed_series().items() if s[-1][0] == "2014Q1" and c[1] == "NPL"}
    chosen = sorted(latest)[:2]
    corridor_set = {"name": "Gulf to Nepal", "corridors": ["-".join(c) for c in chosen]}
    assert api.put("/workspace", {"corridor_sets": [corridor_set]}, nrb).status_code == 200
    receiver.secrets.clear()
    hook = api.post("/workspace/exports", {"name": "weekly corridors", "cadence": "weekly", "content": {
        "dataflow": "corridors", "corridor_set": "Gulf to Nepal"}, "channel": {"type": "webhook", "url": receiver.url}},
        nrb)
    assert hook.status_code == 201, hook.text
    receiver.secrets.append(hook.json()["secret"])
    mailed = api.post("/workspace/exports", {"name": "sdmx by mail", "cadence": "daily", "content": {
        "dataflow": "corridors", "format": "sdmx-csv", "corridors": corridor_set["corridors"]},
        "channel": {"type": "email", "email": "stats@nrb.example.org"}}, nrb)
    assert mailed.status_code == 201, mailed.text
    assert api.post("/workspace/exports", {"name": "x", "content": {"dataflow": "corridors", "corridor_set": "none"},
                                           "channel": {"type": "feed"}}, nrb).status_code == 400

    wait_for(lambda: any(b["type"] == "export.delivered" for _, b, _ in receiver.received), timeout=30,
             what="the export at the webhook")
    wait_for(lambda: inbox.messages, timeout=30, what="the export by email")
    (_, body, verified), = [r for r in receiver.received if r[1]["type"] == "export.delivered"]
    assert verified is True and body["data"]["export_id"] == hook.json()["id"]
    rows = list(csv.DictReader(io.StringIO(body["data"]["content"])))
    observed = {(r["source"], r["destination"]): float(r["average_total_cost_pct"]) for r in rows
                if r["series"] == "observed"}
    assert set(observed) == set(chosen)
    for corridor in chosen:
        assert observed[corridor] == pytest.approx(latest[corridor][1], abs=1e-6)
    message = email.message_from_bytes(inbox.messages[0].content)
    attached = next(p for p in message.walk() if p.get_filename())
    sdmx = list(csv.DictReader(io.StringIO(attached.get_payload(decode=True).decode())))
    sdmx_observed = {(r["SOURCE_AREA"], r["DEST_AREA"]): float(r["OBS_VALUE"]) for r in sdmx
                     if r["SERIES"] == "OBSERVED" and r["AMOUNT"] == "USD200"}
    assert {r["DECIMALS"] for r in sdmx} == {"4"}  # averages in percent are published to 4 places
    assert sdmx_observed == {c: published(latest[c][1], 4) for c in chosen}
    workspace = api.get("/workspace", nrb).json()
    runs = {e["name"]: e.get("last_run", {}).get("status") for e in workspace["scheduled_exports"]}
    assert runs == {"weekly corridors": "delivered", "sdmx by mail": "delivered"}
    assert workspace["corridor_sets"] == [corridor_set]
    assert PRIVATE_EMAIL not in body["data"]["content"] and PRIVATE_EMAIL not in attached.get_payload()


def test_scheduled_exports_are_changed_and_deleted_by_their_institution_only_and_audited(platform):
    api, nrb, bsp = platform["api"], platform["tokens"]["nrb-nepal"], platform["tokens"]["bsp-philippines"]
    made = api.post("/workspace/exports", {"name": "indicators monthly", "cadence": "monthly",
                                           "content": {"dataflow": "indicators"},
                                           "channel": {"type": "email", "email": "stats@nrb.example.org"}}, nrb)
    assert made.status_code == 201, made.text
    export = f"/workspace/exports/{made.json()['id']}"
    for refused in ({}, {"cadence": "hourly"}, {"channel": {"type": "feed"}}, {"content": {"dataflow": "flows"}},
                    {"content": {"dataflow": "corridors", "corridor_set": "no such set"}}):
        assert api.patch(export, refused, nrb).status_code == 400, refused
    assert api.patch(export, {"cadence": "daily"}, bsp).status_code == 404  # another's is not found
    assert api.delete(export, bsp).status_code == 404
    assert api.patch(export, {"cadence": "daily"}, ADMIN).status_code == 403  # the workspace is a member's
    changed = api.patch(export, {"cadence": "daily", "content": {"dataflow": "corridors",
                                                                 "corridor_set": "Gulf to Nepal"}}, nrb)
    assert changed.status_code == 200, changed.text
    saved_set = next(s for s in api.get("/workspace", nrb).json()["corridor_sets"] if s["name"] == "Gulf to Nepal")
    assert changed.json()["cadence"] == "daily" and changed.json()["content"]["corridors"] == saved_set["corridors"]
    assert api.delete(export, nrb).json()["status"] == "deleted"
    assert api.patch(export, {"cadence": "weekly"}, nrb).status_code == 404
    assert made.json()["id"] not in {e["id"] for e in api.get("/workspace/exports", nrb).json()["items"]}

    log = api.get("/workspace", nrb).json()["audit"]
    mine = [(e["action"], e["by"], e["fields"]) for e in log if e.get("export_id") == made.json()["id"]]
    assert mine == [("created", "member:nrb-nepal", ["cadence", "channel", "content", "name"]),
                    ("changed", "member:nrb-nepal", ["cadence", "content"]),
                    ("deleted", "member:nrb-nepal", ["status"])]
    assert [e["at"] for e in log] == sorted(e["at"] for e in log)  # one log, the catalog's writes in it too
    assert {"focal_point_added", "workspace_saved"} <= {e["action"] for e in log}
    assert not [e for e in api.get("/workspace", bsp).json()["audit"] if e.get("export_id") == made.json()["id"]]


def test_no_private_contact_reaches_a_public_answer_page_export_or_feed_once_figures_are_published(platform):
    """Run after the publications and alerts above: the focal point who shares its contact with nobody is in
    no public answer, page, export or calendar, nor in another institution's feed, deliveries or workspace."""
    api, base, bsp = platform["api"], platform["base"], platform["tokens"]["bsp-philippines"]
    published_requests = api.get("/requests").json()["items"]
    assert published_requests and api.get("/exports/corridors.csv").status_code == 200
    paths = ["/members", "/members/nrb-nepal", "/resources", "/resources/events.ics", "/requests", "/releases.ics",
             "/exports/corridors.csv", "/exports/corridors.sdmx.csv", "/exports/indicators.csv", "/exports/ldc.csv",
             "/exports/countries/NPL/flows.csv", "/countries/NPL", "/plans/nrb-nepal", "/plans/plan-ministry",
             *[f"/requests/{r['id']}" for r in published_requests],
             *[f"/requests/{r['id']}/suggestions" for r in published_requests]]
    for path in paths:
        assert PRIVATE_EMAIL not in api.get(path).text, path
    for path in ("/notifications", "/deliveries", "/workspace", "/subscriptions", "/members/nrb-nepal"):
        answer = api.get(path, bsp)
        assert answer.status_code == 200 and PRIVATE_EMAIL not in answer.text, path
    for page in ("/members/nrb-nepal", "/countries/NPL", "/countries/NPL/plans", "/resources", "/requests",
                 *[f"/requests/{r['id']}" for r in published_requests]):
        answer = requests.get(base + page, timeout=60)
        assert answer.status_code == 200 and PRIVATE_EMAIL not in answer.text, page
    # the contact is there for its own institution: the checks above could see it
    assert PRIVATE_EMAIL in api.get("/members/nrb-nepal", platform["tokens"]["nrb-nepal"]).text


def texts(browser, selector):
    return [element.text for element in browser.find_elements("css selector", selector)]


def test_the_capacity_pages_in_a_browser_show_the_apis_answers_and_fit_a_phone(platform, browser):
    from tests.browser import open_page

    api, base, nrb = platform["api"], platform["base"], platform["tokens"]["nrb-nepal"]
    theme = library_themes()[0]
    open_page(browser, f"{base}/resources?theme={theme.replace(' ', '+')}", "capacity-resources")
    listed = [r["title"] for r in api.get(f"/resources?theme={theme}").json()["items"]]
    assert texts(browser, "#resources h2") == listed and listed
    requests_listed = api.get("/requests").json()["items"]
    open_page(browser, f"{base}/requests", "capacity-requests")
    assert texts(browser, "#requests h2") == [r["title"] for r in requests_listed]
    open_page(browser, f"{base}/requests/{requests_listed[0]['id']}", "capacity-request")
    suggested = api.get(f"/requests/{requests_listed[0]['id']}/suggestions").json()
    assert texts(browser, "#suggested-practices a") == [p["title"] for p in suggested["practices"]]
    shown_states = browser.find_elements("css selector", "#suggested-states li[data-country]")
    assert [e.get_attribute("data-country") for e in shown_states] == [m["country"] for m in suggested["member_states"]]
    open_page(browser, f"{base}/members/nrb-nepal", "capacity-member")
    public = api.get("/members/nrb-nepal").json()
    assert texts(browser, "#focal-points tbody td:first-child") == [p["name"] for p in public["focal_points"]]
    assert PRIVATE_EMAIL not in browser.page_source
    plans = {m["id"]: api.get(f"/plans/{m['id']}") for m in api.get("/members").json()["items"]}
    member, answer = next((m, a.json()) for m, a in plans.items() if a.status_code == 200)
    open_page(browser, f"{base}/countries/{answer['country']}/plans", "capacity-country-plans")
    shown_target = browser.find_element("css selector", f"[data-member={member}] .targets td[data-value]")
    assert float(shown_target.get_attribute("data-value")) == answer["progress"]["targets"][0]["cost_pct"]

    open_page(browser, f"{base}/workspace", "capacity-workspace")
    browser.find_element("id", "token").send_keys(nrb)
    browser.find_element("css selector", "#token-form button[type=submit]").click()
    wait_for(lambda: browser.find_element("id", "signed-in").is_displayed(), timeout=20, what="the workspace")
    workspace = api.get("/workspace", nrb).json()
    assert texts(browser, "#exports tbody td:first-child") == [e["name"] for e in workspace["scheduled_exports"]]
    assert texts(browser, "#audit tbody td:nth-child(3)") == [
        e["action"] + (f" export {e['export_id']}" if e.get("export_id") else "") for e in reversed(workspace["audit"])]
    assert texts(browser, "#corridor-sets li") == [f"{s['name']}: {', '.join(s['corridors'])}"
                                                   for s in workspace["corridor_sets"]]
    form = browser.find_element("id", "new-set")
    form.find_element("name", "name").send_keys("Into the Philippines")
    form.find_element("name", "corridors").send_keys("usa-phl")
    form.find_element("css selector", "button").click()
    wait_for(lambda: len(api.get("/workspace", nrb).json()["corridor_sets"]) == 2, timeout=20, what="the new set")
    assert api.get("/workspace", nrb).json()["corridor_sets"][1] == {"name": "Into the Philippines",
                                                                    "corridors": ["USA-PHL"]}
    browser.set_window_size(390, 844)
    try:
        for path in ("/resources", "/requests", f"/requests/{requests_listed[0]['id']}", "/members/nrb-nepal",
                     f"/countries/{answer['country']}/plans", "/workspace"):
            open_page(browser, base + path, "phone" + path.replace("/", "-"))
            assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), \
                f"{path} scrolls sideways on a phone"
    finally:
        browser.set_window_size(1280, 1600)
