"""The provider directory, the practice library, the open-data page and the
subscriber page in a real browser, checked against the API's own answers;
and errors on pages are pages (the same code and message), never internals."""
import hashlib

import pytest
import requests

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from services.notify.service import NotifyService
from tests.browser import open_page
from tests.conftest import wait_for
from tests.ingest_files import RPW_QUOTES, WDI_INFLOWS
from tests.live import import_datasets, live_services
from tests.notify_helpers import Receiver

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform]
ADMIN = "obs_directory-admin-token-0123456789abcdefghijklmnopqr"
OPERATOR = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture(scope="module")
def platform(vhost_pipeline):
    receiver = Receiver()
    with live_services(vhost_pipeline, (GatewayService, IngestService, CatalogService, NotifyService), ADMIN,
                       MAX_UPLOAD_BYTES=16 * 1024 * 1024, WEBHOOK_ALLOW_PRIVATE_NETWORKS="1",
                       NOTIFY_DELIVERY_SECONDS=0.2) as base:
        import_datasets(base, ADMIN, [(RPW_QUOTES, "rpw-quotes")])
        settled(base)
        yield {"base": base, "receiver": receiver}
    receiver.close()


def settled(base):
    """Wait until the catalog has registered every firm the import announced (the count stops moving)."""
    counts = []

    def still():
        counts.append(requests.get(base + "/api/v1/providers", params={"limit": 1}, timeout=30).json()["total"])
        return len(counts) > 3 and counts[-1] == counts[-4] > 0

    wait_for(still, timeout=60, interval=0.5, what="the catalog to settle")


def api(platform, path, **params):
    answer = requests.get(platform["base"] + "/api/v1" + path, params=params, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def texts(browser, selector):
    return [element.text for element in browser.find_elements("css selector", selector)]


def test_the_provider_directory_filters_like_the_api_and_links_each_provider(platform, browser):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    expected = api(platform, "/providers", type="bank", country="NPL")
    assert expected["items"], "banks serving Nepal in the real quotes"
    open_page(browser, platform["base"] + "/providers", "providers")
    assert browser.find_element("id", "count").text.startswith(str(api(platform, "/providers")["total"]))
    Select(browser.find_element("name", "type")).select_by_visible_text("bank")
    country = browser.find_element("name", "country")
    country.send_keys("npl", Keys.ENTER)  # typed in lower case, submitted from the keyboard
    wait_for(lambda: "type=bank" in browser.current_url, timeout=10, what="the filtered directory")
    browser.save_screenshot("test-artifacts/providers-filtered.png")
    assert texts(browser, "#providers tbody td:first-child a") == [p["name"] for p in expected["items"]]

    first = expected["items"][0]
    browser.find_element("link text", first["name"]).click()
    wait_for(lambda: browser.current_url.endswith(f"/providers/{first['id']}"), timeout=10, what="the provider")
    entry = api(platform, f"/providers/{first['id']}")
    assert browser.find_element("tag name", "h1").text == entry["name"]
    shown = texts(browser, "#corridors tbody td:first-child")
    assert shown == [f"{c['source']} → {c['destination']}" for c in entry["corridors"]]


def test_the_practice_library_searches_like_the_api(platform, browser):
    from selenium.webdriver.common.keys import Keys

    expected = api(platform, "/practices", q="mobile money wallets")["items"]
    open_page(browser, platform["base"] + "/practices", "practices")
    assert len(browser.find_elements("css selector", "#practices > li h2")) == len(api(platform, "/practices")["items"])
    browser.find_element("name", "q").send_keys("mobile money wallets", Keys.ENTER)
    wait_for(lambda: "q=mobile" in browser.current_url, timeout=10, what="the search")
    assert texts(browser, "#practices h2 a") == [p["title"] for p in expected]
    browser.find_element("css selector", "#practices h2 a").click()
    wait_for(lambda: browser.current_url.endswith(f"/practices/{expected[0]['id']}"), timeout=10, what="the practice")
    assert browser.find_element("tag name", "h1").text == expected[0]["title"]
    assert expected[0]["summary"] in browser.page_source


def test_open_data_lists_every_release_and_each_download_matches_its_sha256(platform, browser):
    releases = api(platform, "/releases", limit=500)["items"]
    open_page(browser, platform["base"] + "/data", "open-data")
    rows = browser.find_elements("css selector", "#releases tbody tr")
    assert [r.get_attribute("data-id") for r in rows] == [r["id"] for r in releases]
    quotes = next(r for r in rows if r.get_attribute("data-id") == next(x["id"] for x in releases
                                                                            if x["kind"] == "rpw-quotes"))
    link = quotes.find_element("css selector", "a").get_attribute("href")
    shown_sha = quotes.find_element("css selector", "[data-field=sha256]").text
    download = requests.get(link, timeout=60)
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == shown_sha == hashlib.sha256(RPW_QUOTES.read_bytes()).hexdigest()
    assert download.headers["ETag"] == f'"{shown_sha}"'
    assert requests.get(link, headers={"If-None-Match": f'"{shown_sha}"'}, timeout=30).status_code == 304
    assert requests.get(platform["base"] + "/api/v1/datasets/0000000000000000/raw", timeout=30).status_code == 404


def subscriber_token(platform, subscriber_id):
    created = requests.post(platform["base"] + "/api/v1/subscribers", headers=OPERATOR, timeout=30,
                            json={"id": subscriber_id, "name": "Nepal Rastra Bank", "country": "NPL",
                                  "kind": "central bank"})
    assert created.status_code == 201, created.text
    return requests.post(platform["base"] + "/api/v1/credentials", headers=OPERATOR, timeout=30,
                         json={"role": "subscriber", "subscriber_id": subscriber_id}).json()["token"]


def test_a_subscriber_manages_its_alerts_on_its_page(platform, browser):
    from selenium.webdriver.support.ui import Select

    receiver, token = platform["receiver"], subscriber_token(platform, "nrb-page")
    mine = {"Authorization": f"Bearer {token}"}
    open_page(browser, platform["base"] + "/alerts", "alerts-signed-out")
    browser.find_element("id", "token").send_keys(token)
    browser.find_element("css selector", "#token-form button[type=submit]").click()
    wait_for(lambda: "nrb-page" in browser.find_element("id", "status").text, timeout=10, what="signing in")

    form = browser.find_element("id", "new-subscription")
    form.find_element("css selector", "input[value='corridor.cost.threshold_crossed']").click()  # off
    form.find_element("css selector", "input[value='dataset.published']").click()  # on
    Select(form.find_element("name", "channel")).select_by_value("webhook")
    form.find_element("name", "address").send_keys(receiver.url)
    form.find_element("css selector", "button[type=submit]").click()
    wait_for(lambda: browser.find_element("id", "secret-value").text.startswith("whsec_"), timeout=10,
             what="the secret, shown once")
    receiver.secrets.append(browser.find_element("id", "secret-value").text)
    listed = requests.get(platform["base"] + "/api/v1/subscriptions", headers=mine, timeout=30).json()["items"]
    assert [(s["event_types"], s["channel"]["url"]) for s in listed] == [(["dataset.published"], receiver.url)]
    assert texts(browser, "#subscriptions tbody tr td:first-child") == ["dataset.published"]

    import_datasets(platform["base"], ADMIN, [(WDI_INFLOWS, "country-flows")])
    wait_for(lambda: len(receiver.received) == 1, timeout=20, what="the webhook")
    webhook_id = receiver.received[0][0]["webhook-id"]
    assert receiver.received[0][2] is True  # its signature verifies with the secret the page showed
    open_page(browser, platform["base"] + "/alerts", "alerts-signed-in")  # the token stays for the tab
    wait_for(lambda: texts(browser, "#deliveries tbody td:nth-child(3)") == ["delivered"], timeout=10,
             what="the delivery log")
    assert texts(browser, "#deliveries tbody td:first-child") == [webhook_id]
    assert "dataset.published" in browser.find_element("id", "notifications").text
    browser.find_element("css selector", "#deliveries tbody button").click()  # Replay
    wait_for(lambda: len(receiver.received) == 2, timeout=20, what="the replayed webhook")
    assert receiver.received[1][0]["webhook-id"] == webhook_id and receiver.received[1][2] is True

    browser.find_element("xpath", "//table[@id='subscriptions']//button[text()='Delete']").click()
    wait_for(lambda: not requests.get(platform["base"] + "/api/v1/subscriptions", headers=mine,
                                      timeout=30).json()["items"], timeout=10, what="the deletion")


@pytest.mark.parametrize("path, status, says", [
    ("/providers?type=nonsense", 400, "type"), ("/no-such-page", 404, "Not found"),
    ("/providers/no-such-provider", 404, "no-such-provider"), ("/practices/no-such-practice", 404, "Not found"),
    ("/countries/ZZZ", 404, "Not found"), ("/corridors/USA/usa1", 400, "country"),
])
def test_errors_on_pages_are_pages_that_say_what_went_wrong_and_nothing_internal(platform, path, status, says):
    answer = requests.get(platform["base"] + path, headers={"Accept": "text/html"}, timeout=30)
    assert answer.status_code == status and answer.headers["Content-Type"].startswith("text/html")
    assert says in answer.text
    assert not any(leak in answer.text for leak in ("Traceback", "/work/", ".py", "site-packages"))
    api_answer = requests.get(platform["base"] + "/api/v1/no-such-endpoint", headers={"Accept": "text/html"}, timeout=30)
    assert api_answer.status_code == 404 and api_answer.json()["error"] == "NOT_FOUND"  # the API stays JSON


def test_the_new_pages_fit_a_phone_sized_screen(platform, browser):
    browser.set_window_size(390, 844)
    try:
        for path in ("/providers", "/providers/al-rajhi-bank", "/practices", "/data", "/alerts"):
            open_page(browser, platform["base"] + path, "phone" + path.replace("/", "-"))
            assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), \
                f"{path} scrolls sideways on a phone"
    finally:
        browser.set_window_size(1280, 1600)
