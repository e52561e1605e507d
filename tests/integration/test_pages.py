"""The web pages in a real browser (Debian's Chromium through Selenium and
Debian's chromedriver): the figures shown are the API's, the charts draw,
the keyboard reaches everything, a phone-sized screen works. Screenshots go
to test-artifacts/."""
from pathlib import Path

import pytest
import requests

from tests.browser import ARTIFACTS, open_page, shown
from tests.conftest import wait_for
from tests.live import published_platform

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform]
ADMIN = "obs_pages-admin-token-0123456789abcdefghijklmnopqrstuvw"


@pytest.fixture(scope="module")
def base(vhost_pipeline):
    with published_platform(vhost_pipeline, ADMIN) as url:
        yield url


def chart_drawn(browser, chart_id):
    return browser.execute_script(f"return document.querySelectorAll('#{chart_id} svg path').length") > 3


def test_the_overview_shows_the_apis_indicators_and_draws_the_trend(base, browser):
    periods = requests.get(f"{base}/api/v1/indicators", timeout=30).json()["available_periods"]
    api = {p: requests.get(f"{base}/api/v1/indicators", params={"period": p}, timeout=30).json() for p in periods}
    open_page(browser, base + "/", "overview")
    latest = api[periods[-1]]
    cards = shown(browser, "#latest [data-field]")
    assert cards and all(cards[f] == pytest.approx(latest[f]) for f in cards)
    assert browser.find_element("css selector", "#latest [data-field=global_average_pct]").text == \
        f"{latest['global_average_pct']:.2f} %"
    rows = browser.find_elements("css selector", "#quarters tbody tr")
    assert [r.get_attribute("data-period") for r in rows] == periods
    for row in rows:
        cells = shown(row, "[data-field]")
        expected = api[row.get_attribute("data-period")]
        assert all(cells[f] == pytest.approx(expected[f]) for f in cells), row.get_attribute("data-period")
    wait_for(lambda: chart_drawn(browser, "trend"), timeout=10, what="the chart")


def test_a_corridor_page_shows_the_apis_quotes_declared_prices_and_history(base, browser):
    api = requests.get(f"{base}/api/v1/corridors/USA/MEX", params={"period": "2014Q1"}, timeout=30).json()
    open_page(browser, base + "/corridors/USA/MEX?period=2014Q1", "corridor-USA-MEX-2014Q1")
    assert shown(browser, "#headline [data-field=average_total_cost_pct]")["average_total_cost_pct"] == \
        pytest.approx(api["average_total_cost_pct"])
    totals = sorted(float(c.get_attribute("data-value")) for c in
                    browser.find_elements("css selector", "#quotes [data-field=total_cost_pct]"))
    assert totals == pytest.approx(sorted(q["total_cost_pct"] for q in api["quotes"]))
    assert "never part of any average" in browser.page_source
    wait_for(lambda: chart_drawn(browser, "history"), timeout=10, what="the history chart")
    history = requests.get(f"{base}/api/v1/corridors/USA/MEX/history", timeout=30).json()["items"]
    assert len(browser.find_elements("css selector", "#history-table tbody tr")) == len(history)


def test_a_country_page_shows_the_apis_flows_and_costs(base, browser):
    api = requests.get(f"{base}/api/v1/countries/NPL", timeout=30).json()
    open_page(browser, base + "/countries/NPL", "country-NPL")
    costs = shown(browser, "#costs [data-field]")
    assert all(costs[f] == pytest.approx(api[f]) for f in costs)
    for cell in browser.find_elements("css selector", "#flows td[data-value]"):
        series, year = cell.get_attribute("data-series"), cell.get_attribute("data-year")
        expected = {str(y): v for y, v in api["series"][series]["values"].items()}[year]
        assert float(cell.get_attribute("data-value")) == pytest.approx(expected)
    assert browser.find_elements("css selector", "#flows td[data-value]")
    assert "A Least Developed Country" in browser.page_source  # Nepal, in the UN list on hand


def test_the_ldc_lens_shows_each_ldcs_cost_and_the_estimate_from_the_apis_inputs(base, browser):
    open_page(browser, base + "/ldc", "ldc-lens")
    rows = browser.find_elements("css selector", "#ldcs tbody tr")
    assert len(rows) >= 40  # the UN list of LDCs on hand
    checked = 0
    for row in rows:
        iso3 = row.get_attribute("data-iso3")
        values = shown(row, "[data-field]")
        if "cost_pct" not in values:
            continue
        profile = requests.get(f"{base}/api/v1/countries/{iso3}", timeout=30).json()
        newest = requests.get(f"{base}/api/v1/countries/{iso3}/sdg", timeout=30).json()["receiving"]["headline"]
        assert profile["country"]["ldc"] and values["cost_pct"] == pytest.approx(newest["value"])  # the newest figure
        inflows = {int(y): v for y, v in profile["series"]["wdi_inflows_usd_m"]["values"].items() if v is not None}
        latest = inflows[max(inflows)]
        assert values["inflows_usd_m"] == pytest.approx(latest)
        assert values["kept_usd_m"] == pytest.approx(max(0.0, latest * (newest["value"] - 3) / 100))
        checked += 1
    assert checked >= 5, "LDCs with a surveyed cost and inflows"
    wait_for(lambda: chart_drawn(browser, "ldc-costs"), timeout=10, what="the chart")
    assert "estimate" in browser.find_element("css selector", "main p").text


def test_the_ldc_lens_table_downloads_as_csv_with_the_pages_figures(base, browser):
    import csv
    import io

    open_page(browser, base + "/ldc", "ldc-lens-download")
    link = browser.find_element("link text", "CSV").get_attribute("href")
    rows = list(csv.DictReader(io.StringIO(requests.get(link, timeout=30).text)))
    shown_rows = {row.get_attribute("data-iso3"): shown(row, "[data-field]")
                  for row in browser.find_elements("css selector", "#ldcs tbody tr")}
    assert [r["iso3"] for r in rows] == list(shown_rows)  # the same countries, in the same order
    compared = 0
    for row in rows:
        for field, value in shown_rows[row["iso3"]].items():
            assert float(row[field]) == pytest.approx(value), (row["iso3"], field)
            compared += 1
    assert compared >= 15


def test_the_keyboard_reaches_the_content_and_the_links(base, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_page(browser, base + "/", "overview-keyboard")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.text == "Skip to the content"
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert browser.execute_script("return location.hash") == "#main"
    open_page(browser, base + "/", "overview-keyboard")
    for _ in range(8):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.switch_to.active_element.text == "A country profile":
            break
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    wait_for(lambda: browser.current_url.endswith("/countries/NPL"), timeout=10, what="the keyboard's navigation")


def test_pages_fit_a_phone_sized_screen(base, browser):
    browser.set_window_size(390, 844)
    try:
        for path, name in (("/", "phone-overview"), ("/corridors/USA/MEX?period=2014Q1", "phone-corridor"),
                           ("/countries/NPL", "phone-country")):
            open_page(browser, base + path, name)
            assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), \
                f"{path} scrolls sideways on a phone"
    finally:
        browser.set_window_size(1280, 1600)
    assert Path(ARTIFACTS / "phone-country.png").exists()
