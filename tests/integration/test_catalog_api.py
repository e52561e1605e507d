"""The catalog through the HTTP API on the real broker: the registry that the
real quotes file builds, provider self-service (scope, If-Match, audit),
declared prices beside the observed ones, and the practice library."""
import csv
import io
import re
from collections import defaultdict

import pytest
import requests
from nameko.events import event_handler

from gateway.service import GatewayService
from observatory.contracts import contract_for
from observatory.contracts.events import PRODUCED_BY
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from tests.conftest import wait_for
from tests.ingest_files import RPW_QUOTES
from tests.live import live_services

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform]
ADMIN = "obs_catalog-admin-token-0123456789abcdefghijklmnopqrs"
API = "/api/v1"


class CatalogRecorder:
    name = "catalog_recorder"
    seen = defaultdict(list)

    @event_handler("catalog", "provider.registered")
    def registered(self, payload):
        self.seen["provider.registered"].append(payload)

    @event_handler("catalog", "provider.updated")
    def updated(self, payload):
        self.seen["provider.updated"].append(payload)

    @event_handler("catalog", "providers.changed")
    def providers_changed(self, payload):
        self.seen["providers.changed"].append(payload)

    @event_handler("catalog", "practice.published")
    def practice_published(self, payload):
        self.seen["practice.published"].append(payload)


class Client:
    def __init__(self, base, token=None):
        self.base, self.token = base, token

    def __call__(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return requests.request(method, self.base + API + path, headers=headers, timeout=60, **kwargs)


def real_firm_names():
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        return sorted({row["firm"] for row in csv.DictReader(f)})


@pytest.fixture(scope="module")
def platform(vhost_pipeline):
    CatalogRecorder.seen.clear()
    services = (GatewayService, IngestService, CatalogService, CatalogRecorder)
    with live_services(vhost_pipeline, services, ADMIN, MAX_UPLOAD_BYTES=10 * 1024 * 1024) as base:
        operator = Client(base, ADMIN)
        upload = requests.post(f"{base}{API}/datasets", params={"kind": "rpw-quotes"},
                               data=RPW_QUOTES.read_bytes(), headers={"Authorization": f"Bearer {ADMIN}"},
                               timeout=120)
        assert upload.status_code == 202, upload.text
        dataset_id = upload.json()["id"]
        wait_for(lambda: operator("GET", f"/datasets/{dataset_id}").json()["status"] == "completed",
                 timeout=120, interval=0.5, what="the quotes import")
        last = real_firm_names()[-1]
        wait_for(lambda: operator("GET", "/providers", params={"alias": last}).json().get("items"), timeout=60,
                 interval=0.5, what="the catalog to apply firms.observed")
        yield {"base": base, "operator": operator, "anonymous": Client(base)}


def provider_of(platform, raw_name):
    items = platform["anonymous"]("GET", "/providers", params={"alias": raw_name}).json()["items"]
    assert len(items) == 1, raw_name
    return items[0]


def provider_token(platform, provider_id):
    minted = platform["operator"]("POST", "/credentials", json={"role": "provider", "provider_id": provider_id})
    assert minted.status_code == 201, minted.text
    return Client(platform["base"], minted.json()["token"])


def test_every_raw_firm_name_of_the_file_resolves_to_one_provider(platform):
    names = real_firm_names()
    ids = {name: provider_of(platform, name)["id"] for name in names}
    listed, cursor = [], None
    while True:
        page = platform["anonymous"]("GET", "/providers", params={"limit": 200, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        listed += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    print(f"\n{len(names)} raw firm names became {len(listed)} providers")
    assert {p["id"] for p in listed} == set(ids.values()) and len(listed) < len(names)
    for provider in listed:  # each entry lists exactly the raw names that resolved to it
        assert sorted(provider["aliases"]) == sorted(n for n, i in ids.items() if i == provider["id"])
    assert ids["Trans-Fast"] == ids["Transfast"] == ids["Trans Fast"]
    assert ids["Sigue"] != ids["Sigue Money Transfers"]


def test_an_entry_holds_what_the_data_says_of_the_firm(platform):
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["firm"] == "Western Union"]
    entry = provider_of(platform, "Western Union")
    served = {(c["source"], c["destination"]): c for c in entry["corridors"]}
    for source, destination in {(r["source"], r["destination"]) for r in rows}:
        periods = sorted(re.sub(r"^(\d{4})_(\d)Q$", r"\1Q\2", r["period"]) for r in rows
                         if (r["source"], r["destination"]) == (source, destination))
        assert served[(source, destination)]["observed"] is True
        assert (served[(source, destination)]["first_period"], served[(source, destination)]["last_period"]) == (
            periods[0], periods[-1])
    assert entry["types"] == ["money transfer operator"] and entry["products"]
    assert set(entry["countries"]) == {c for r in rows for c in (r["source"], r["destination"])}
    by_type = platform["anonymous"]("GET", "/providers", params={"type": "bank", "country": "NPL", "limit": 200})
    assert by_type.status_code == 200 and by_type.json()["items"]
    assert all("bank" in p["types"] and "NPL" in p["countries"] for p in by_type.json()["items"])


def test_every_observed_quote_on_a_corridor_names_its_provider_entry(platform):
    corridor = platform["anonymous"]("GET", "/corridors/USA/MEX", params={"period": "2014Q1"}).json()
    assert corridor["quotes"] and corridor["declared_quotes"] == []
    for quote in corridor["quotes"]:
        assert quote["provider"] in platform["anonymous"]("GET", f"/providers/{quote['provider_id']}").json()["aliases"]


def test_provider_self_service_scope_concurrency_and_audit(platform):
    mine, other = provider_of(platform, "Western Union")["id"], provider_of(platform, "MoneyGram")["id"]
    me = provider_token(platform, mine)
    assert platform["operator"]("POST", "/credentials", json={"role": "provider", "provider_id": "no-such-firm"}
                                ).status_code == 404
    read = me("GET", f"/providers/{mine}")
    etag = read.headers["ETag"]
    change = {"website": "https://www.westernunion.com", "contact": {"email": "compliance@example.org"}}
    assert platform["anonymous"]("PATCH", f"/providers/{mine}", json=change,
                                 headers={"If-Match": etag}).status_code == 401
    assert me("PATCH", f"/providers/{other}", json=change, headers={"If-Match": etag}).status_code == 403
    missing = me("PATCH", f"/providers/{mine}", json=change)
    assert missing.status_code == 428 and missing.json()["error"] == "PRECONDITION_REQUIRED"
    updated = me("PATCH", f"/providers/{mine}", json=change, headers={"If-Match": etag})
    assert updated.status_code == 200, updated.text
    assert updated.json()["website"] == change["website"] and updated.headers["ETag"] != etag
    stale = me("PATCH", f"/providers/{mine}", json={"description": "late"}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.headers["ETag"] == updated.headers["ETag"]
    assert me("GET", f"/providers/{mine}", headers={"If-None-Match": updated.headers["ETag"]}).status_code == 304
    unknown_field = me("PATCH", f"/providers/{mine}", json={"types": ["bank"]},
                       headers={"If-Match": updated.headers["ETag"]})
    assert unknown_field.status_code == 400 and "types" in unknown_field.json()["details"]["fields"]

    audit = me("GET", f"/providers/{mine}/audit")
    assert audit.status_code == 200
    latest = audit.json()["items"][0]
    assert latest["action"] == "edited" and latest["fields"] == ["contact", "website"]
    assert latest["by"].startswith("provider:") and latest["before"]["website"] is None
    assert latest["after"]["website"] == change["website"] and latest["at"]
    assert audit.json()["items"][-1]["action"] == "registered"
    assert me("GET", f"/providers/{other}/audit").status_code == 403
    assert platform["operator"]("GET", f"/providers/{mine}/audit").status_code == 200
    assert platform["anonymous"]("GET", f"/providers/{mine}/audit").status_code == 401


def published_figures(platform):
    get = platform["anonymous"]
    return {"corridor": get("GET", "/corridors/USA/MEX", params={"period": "2014Q1"}).json(),
            "history": get("GET", "/corridors/USA/MEX/history").json(),
            "indicators": get("GET", "/indicators", params={"period": "2014Q1"}).json(),
            "list": get("GET", "/corridors", params={"period": "2014Q1", "limit": 500}).json(),
            "country": get("GET", "/countries/MEX").json()}


def test_a_declared_price_is_shown_labelled_and_changes_no_published_figure(platform):
    firm = provider_of(platform, "Western Union")
    me = provider_token(platform, firm["id"])
    before = published_figures(platform)
    price = {"source": "USA", "destination": "MEX", "period": "2014Q1", "currency": "USD", "amount": 200,
             "fee": 4.99, "exchange_rate": 12.85, "interbank_rate": 13.07, "product": "Online to cash",
             "speed": "Less than one hour"}
    declared = me("POST", f"/providers/{firm['id']}/quotes", json=price)
    assert declared.status_code == 201, declared.text
    quote = declared.json()
    assert quote["kind"] == quote["provenance"]["kind"] == "provider-declared"
    assert quote["fee_pct"] == pytest.approx(4.99 / 200 * 100, abs=1e-3)
    assert quote["fx_margin_pct"] == pytest.approx((1 - 12.85 / 13.07) * 100, abs=1e-3)
    assert quote["total_cost_pct"] == pytest.approx(quote["fee_pct"] + quote["fx_margin_pct"], abs=1e-3)

    after = published_figures(platform)
    assert [q["id"] for q in after["corridor"]["declared_quotes"]] == [quote["id"]]
    assert after["corridor"]["declared_quotes"][0]["provider_id"] == firm["id"]
    assert {k: v for k, v in after["corridor"].items() if k != "declared_quotes"} == {
        k: v for k, v in before["corridor"].items() if k != "declared_quotes"}
    for name in ("history", "indicators", "list", "country"):
        assert after[name] == before[name], name

    current = me("POST", f"/providers/{firm['id']}/quotes", json={k: v for k, v in price.items() if k != "period"})
    assert current.status_code == 201 and current.json()["period"] > "2014Q1"  # today's quarter
    latest = platform["anonymous"]("GET", "/corridors/USA/MEX").json()
    assert current.json()["id"] in [q["id"] for q in latest["declared_quotes"]]  # shown beside the latest figures
    assert current.json()["id"] not in [q["id"] for q in platform["anonymous"](
        "GET", "/corridors/USA/MEX", params={"period": "2014Q1"}).json()["declared_quotes"]]

    not_served = me("POST", f"/providers/{firm['id']}/quotes", json={**price, "source": "ISL", "destination": "NPL"})
    assert not_served.status_code == 409 and not_served.json()["error"] == "CORRIDOR_NOT_SERVED"
    for wrong, field in (({"fee": -1}, "fee"), ({"exchange_rate": 40}, "exchange_rate"), ({"fee": 250}, "fee"),
                         ({"amount": "200"}, None), ({"period": "2014-Q1"}, "period"), ({"bonus": 1}, "bonus")):
        nonsense = me("POST", f"/providers/{firm['id']}/quotes", json={**price, **wrong})
        assert nonsense.status_code == 400, wrong
        assert field is None or field in nonsense.json()["details"]["fields"], wrong


def test_an_operator_splits_a_wrong_alias_out_and_merges_it_back_audited(platform):
    operator = platform["operator"]
    entry = provider_of(platform, "Transfast")
    split = operator("POST", f"/providers/{entry['id']}/split", json={"alias": "Transfast"})
    assert split.status_code == 201, split.text
    new_id = split.json()["id"]
    assert new_id != entry["id"] and split.json()["aliases"] == ["Transfast"]
    assert provider_of(platform, "Transfast")["id"] == new_id
    assert "Transfast" not in provider_of(platform, "Trans-Fast")["aliases"]
    assert split.json()["corridors"], "the new entry keeps what the data says of its name"

    current = operator("GET", f"/providers/{entry['id']}").json()
    merged = operator("POST", f"/providers/{entry['id']}/merge", json={"other": new_id})
    assert merged.status_code == 200, merged.text
    assert "Transfast" in merged.json()["aliases"] and new_id in merged.json()["former_ids"]
    assert merged.json()["version"] > current["version"]
    assert provider_of(platform, "Transfast")["id"] == entry["id"]
    assert operator("GET", f"/providers/{new_id}").json()["id"] == entry["id"]  # a merged id keeps resolving
    actions = [e["action"] for e in operator("GET", f"/providers/{entry['id']}/audit").json()["items"]]
    assert actions[0] == "merged" and "split" in actions
    assert operator("POST", f"/providers/{entry['id']}/merge", json={"other": entry["id"]}).status_code == 409


def titles(answer):
    return [item["id"] for item in answer.json()["items"]]


@pytest.mark.parametrize("query, expected", [
    ("exclusivity agents competition", "gp4-market-structure-competition"),
    ("3 percent target 2030", "sdg-10c-three-percent-target"),
    ("mobile money wallets", "mobile-money-channels"),
    ("money laundering de-risking", "risk-based-aml-money-transfer"),
    ("price comparison website", "price-comparison-databases"),
])
def test_search_puts_the_obviously_relevant_practice_first(platform, query, expected):
    found = platform["anonymous"]("GET", "/practices", params={"q": query})
    assert found.status_code == 200 and titles(found)[0] == expected


def test_drafts_are_invisible_to_the_public_until_published(platform):
    operator, anonymous = platform["operator"], platform["anonymous"]
    practice = {"title": "Lesson: zero-fee diaspora bonds pilot", "summary": "A draft about diaspora bonds.",
                "body": "Diaspora bonds let migrants invest savings at home.", "themes": ["investment"],
                "countries": ["NPL"], "source": {"title": "Observatory staff note", "year": 2026}}
    created = operator("POST", "/practices", json=practice)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    practice_id = created.json()["id"]
    assert anonymous("GET", f"/practices/{practice_id}").status_code == 404
    assert practice_id not in titles(anonymous("GET", "/practices", params={"q": "diaspora bonds"}))
    assert anonymous("GET", "/practices", params={"status": "draft"}).status_code in (401, 403)
    assert practice_id in titles(operator("GET", "/practices", params={"status": "draft"}))

    edit = operator("PATCH", f"/practices/{practice_id}", json={"summary": "Diaspora bonds, a pilot."},
                    headers={"If-Match": created.headers["ETag"]})
    assert edit.status_code == 200 and edit.json()["version"] == 2
    published = operator("POST", f"/practices/{practice_id}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert titles(anonymous("GET", "/practices", params={"q": "diaspora bonds"}))[0] == practice_id
    assert practice_id in [p["id"] for p in anonymous("GET", "/countries/NPL").json()["practices"]]
    wait_for(lambda: any(e["data"]["practice_id"] == practice_id for e in CatalogRecorder.seen["practice.published"]),
             timeout=15, what="practice.published")


def test_practices_import_from_csv_with_row_errors(platform):
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["id", "title", "summary", "body", "themes", "countries", "source_title", "source_year"])
    writer.writerow(["csv-import-one", "Agent networks in rural areas", "Agents bring cash-out close to home.",
                     "Rural agent networks lower the cost of collecting money.", "digital channels;access",
                     "BGD;NPL", "Observatory note", "2026"])
    imported = platform["operator"]("POST", "/practices/import.csv", data=rows.getvalue().encode(),
                                    headers={"Content-Type": "text/csv"})
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"created": ["csv-import-one"], "unchanged": []}
    writer.writerow(["csv-import-two", "", "no title", "body", "", "XX", "Note", "year"])
    bad = platform["operator"]("POST", "/practices/import.csv", data=rows.getvalue().encode(),
                               headers={"Content-Type": "text/csv"})
    assert bad.status_code == 400
    assert set(bad.json()["details"]["fields"]["items"]["1"]) >= {"title", "countries", "source"}


def test_the_catalogs_events_load_in_their_contracts(platform):
    wait_for(lambda: all(CatalogRecorder.seen[t] for t in ("provider.updated", "provider.registered",
                                                          "providers.changed")), timeout=30, what="catalog events")
    events = [e for seen in CatalogRecorder.seen.values() for e in seen]
    assert {e["type"] for e in events} <= set(PRODUCED_BY["catalog"])
    for event in events:
        assert contract_for(event["type"]).validate(event["data"]) == {}, event["type"]
