"""Headless Debian Chromium through Selenium and Debian's chromedriver, for
the page tests; screenshots go to test-artifacts/."""
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


def start_browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1600"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(exist_ok=True)
    return driver


def open_page(browser, url, name):
    from tests.conftest import wait_for  # not at import: the benchmark uses this module without eventlet

    browser.get(url)
    wait_for(lambda: browser.execute_script("return document.readyState") == "complete", timeout=20, what=name)
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def shown(browser, selector):
    """{data-field: float(data-value)} of the elements matching ``selector``."""
    found = {}
    for element in browser.find_elements("css selector", selector):
        value = element.get_attribute("data-value")
        if value not in (None, "", "None"):
            found[element.get_attribute("data-field")] = float(value)
    return found
