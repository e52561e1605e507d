"""Country briefs (issue 20 §7) and the analysis pages in a real browser:
the PDF opens (its pages rendered to PNG with pdftoppm under
test-artifacts/), holds the headline figure as the API gives it, and its
links resolve; every new page shows the API's figures and draws its charts."""
import io
import re
import shutil
import subprocess
import zipfile
from urllib.parse import urlencode

import pytest
import requests

from tests.browser import ARTIFACTS, open_page, shown
from tests.conftest import wait_for
from tests.ingest_files import DATABANK, DERIVED, RPW_QUOTES, WDI_INFLOWS
from tests.live import import_datasets, live_services

pytestmark = [pytest.mark.broker]
ADMIN = "obs_briefs-admin-token-0123456789abcdefghijklmnopqrstuvw"
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext")


@pytest.fixture(scope="module")
def base(vhost_pipeline):
    from gateway.service import GatewayService
    from services.catalog.service import CatalogService
    from services.ingest.service import IngestService

    with live_services(vhost_pipeline, (GatewayService, IngestService, CatalogService), ADMIN,
                       MAX_UPLOAD_BYTES=16 * 1024 * 1024) as url:
        import_datasets(url, ADMIN, [(RPW_QUOTES, "rpw-quotes"), (DATABANK, "rpw-corridor-averages"),
                                     (DERIVED, "rpw-corridor-means"), (WDI_INFLOWS, "country-flows")], timeout=240)
        yield url


def chart_drawn(browser, chart_id):
    return browser.execute_script(f"return document.querySelectorAll('#{chart_id} svg path').length") > 3


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftoppm, pdftotext) not installed; .ci/run installs them")
@pytest.mark.parametrize("iso3", ("NPL", "SEN"))
def test_a_brief_pdf_opens_holds_the_headline_and_its_links_resolve(base, iso3, tmp_path):
    answer = requests.get(f"{base}/api/v1/countries/{iso3}/brief.pdf", timeout=120)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/pdf")
    pdf = tmp_path / f"brief-{iso3}.pdf"
    pdf.write_bytes(answer.content)
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"brief-{iso3}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / f"brief-{iso3}")], check=True, timeout=60)
    pages = sorted(ARTIFACTS.glob(f"brief-{iso3}-*.png"))
    assert 2 <= len(pages) <= 4, f"{len(pages)} printed pages"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60).stdout
    headline = requests.get(f"{base}/api/v1/countries/{iso3}/sdg", timeout=30).json()["receiving"]["headline"]
    assert f"{headline['value']:.2f} %".encode() in text and headline["period"].encode() in text
    savings = requests.get(f"{base}/api/v1/whatif", params={"country": iso3}, timeout=30).json()
    assert f"{savings['savings_usd_millions']:,.1f}".encode() in text
    assert b"fits because" in text and b"cash or at an agent" in text  # practices chosen by its situation
    links = set(re.findall(rb"/URI \((http[^)]+)\)", answer.content))
    vintage = requests.get(f"{base}/api/v1/countries/{iso3}/sdg", timeout=30).json()["vintage"]
    pinned = f"/countries/{iso3}/brief?{urlencode({'asOf': vintage['published_at']})}".encode()
    assert any(link.endswith(pinned) for link in links), links  # the permalink pins the release it was made from
    for link in links:
        assert requests.get(link.decode(), timeout=60).status_code == 200, link


def test_every_ldcs_brief_downloads_at_once(base):
    from observatory.countries import countries

    first = requests.get(f"{base}/api/v1/briefs.zip", timeout=60)
    assert first.status_code == 202 and first.headers["Retry-After"]
    assert first.json()["status"] == "printing" and first.json()["briefs_done"] >= 0
    answers = []
    wait_for(lambda: answers.append(requests.get(f"{base}/api/v1/briefs.zip", timeout=60)) or
             answers[-1].status_code == 200, timeout=240, interval=2, what="every LDC's brief")
    answer = answers[-1]
    progress = [a.json()["briefs_done"] for a in answers if a.status_code == 202]
    assert progress == sorted(progress)  # the progress only goes forward
    names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    assert sorted(names) == sorted(f"brief-{c.iso3}.pdf" for c in countries().by_iso3.values() if c.is_ldc())
    assert all(zipfile.ZipFile(io.BytesIO(answer.content)).read(n).startswith(b"%PDF") for n in names)


def test_the_brief_page_prints_the_apis_figures(base, browser):
    open_page(browser, base + "/countries/NPL/brief", "brief-NPL")
    headline = requests.get(f"{base}/api/v1/countries/NPL/sdg", timeout=30).json()["receiving"]["headline"]
    assert shown(browser, "#headline [data-field]")["headline_cost"] == pytest.approx(headline["value"])
    wait_for(lambda: chart_drawn(browser, "brief-trend"), timeout=10, what="the brief's chart")
    badge = browser.find_element("css selector", "#headline .badge")
    assert headline["period"] in badge.get_attribute("title")
    practices = browser.find_elements("css selector", "#brief-practices li[data-practice]")
    assert practices and all("fits because" in p.text for p in practices)


def test_the_sdg_page_shows_the_tracker_and_draws_it(base, browser):
    for area in ("HTI", "LDC"):
        api = requests.get(f"{base}/api/v1/countries/{area}/sdg", timeout=60).json()
        open_page(browser, base + f"/countries/{area}/sdg", f"sdg-{area}")
        assert shown(browser, "#sdg-receiving [data-field]")["headline_receiving"] == \
            pytest.approx(api["receiving"]["headline"]["value"])
        wait_for(lambda: chart_drawn(browser, "sdg-chart-receiving"), timeout=10, what="the tracker's chart")


def test_the_peers_page_shows_ranks_and_a_chart(base, browser):
    api = requests.get(f"{base}/api/v1/countries/NPL/peers", params={"peers": "BGD,PAK"}, timeout=60).json()
    open_page(browser, base + "/countries/NPL/peers?peers=BGD,PAK", "peers-NPL")
    values = shown(browser, "#group-peers [data-field]")
    peers = next(g for g in api["groups"] if g["kind"] == "peers")["indicators"]
    assert values["peers-cost_to_receive_pct"] == pytest.approx(peers["cost_to_receive_pct"]["country"]["value"])
    assert values["peers-cost_to_receive_pct-rank"] == peers["cost_to_receive_pct"]["rank"]
    wait_for(lambda: chart_drawn(browser, "peers-chart"), timeout=10, what="the peers chart")
    providers = peers["surveyed_providers_to_receive"]
    assert values["peers-surveyed_providers_to_receive"] == providers["country"]["value"]
    assert values["peers-surveyed_providers_to_receive-rank"] == providers["rank"]
    wait_for(lambda: chart_drawn(browser, "peers-providers-chart"), timeout=10, what="the providers chart")


def test_the_scorecard_page_shows_the_apis_card(base, browser):
    api = requests.get(f"{base}/api/v1/corridors/ARE/NPL/scorecard", timeout=60).json()
    open_page(browser, base + "/corridors/ARE/NPL", "corridor-ARE-NPL-link")
    browser.find_element("id", "scorecard-link").click()
    wait_for(lambda: "/scorecard" in browser.current_url, timeout=10, what="the scorecard page")
    open_page(browser, browser.current_url, "scorecard-ARE-NPL")
    values = shown(browser, "#scorecard [data-field]")
    assert values["providers"] == api["providers"] and values["spread_pp"] == pytest.approx(api["spread_pp"])
    wait_for(lambda: chart_drawn(browser, "mix-firm_type"), timeout=10, what="the mix chart")


def test_the_whatif_page_computes_from_the_api(base, browser):
    open_page(browser, base + "/whatif", "whatif")
    api = requests.get(f"{base}/api/v1/whatif", params={"country": "NPL", "target_pct": 3}, timeout=60).json()
    wait_for(lambda: browser.find_element("id", "whatif-savings").get_attribute("data-value"), timeout=10,
             what="the first answer")
    assert float(browser.find_element("id", "whatif-savings").get_attribute("data-value")) == \
        pytest.approx(api["savings_usd_millions"])
    target = browser.find_element("id", "whatif-target")
    target.clear()
    target.send_keys("5")
    browser.find_element("css selector", "#whatif-form button").click()
    expected = api["inflows_usd_millions"] * max(api["cost_pct"] - 5, 0) / 100
    wait_for(lambda: float(browser.find_element("id", "whatif-savings").get_attribute("data-value") or -1)
             == pytest.approx(expected), timeout=10, what="the answer at 5 %")
    browser.save_screenshot(str(ARTIFACTS / "whatif-5pct.png"))
