# eventlet must patch the standard library before anything else imports it,
# or nameko containers under test hang (DESIGN §2).
import eventlet

eventlet.monkey_patch()

import secrets  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import mongoengine  # noqa: E402
import pytest  # noqa: E402
import requests  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def fresh_stores(request):
    """Every test starts with empty in-process stores (except in a module that
    shares one running platform: it disconnects when the module ends)."""
    yield
    if not request.node.get_closest_marker("shared_platform"):
        mongoengine.disconnect_all()


@pytest.fixture
def web_session(web_config_port):
    """nameko's own fixture imports werkzeug.urls.url_join, gone in werkzeug 3."""

    class Session(requests.Session):
        base = f"http://127.0.0.1:{web_config_port}"

        def request(self, method, url, *args, **kwargs):
            kwargs.setdefault("timeout", 30)
            return super().request(method, self.base + url, *args, **kwargs)

    with Session() as session:
        yield session


@pytest.fixture
def admin_token():
    return "obs_" + secrets.token_urlsafe(32)


@pytest.fixture
def platform_config(rabbit_config, web_config, admin_token):
    """Config for service containers: a vhost of its own, a free web port."""
    return {**rabbit_config, **web_config, "OBSERVATORY_ADMIN_TOKEN": admin_token, "MONGODB_URI": ""}


def answers_200(url):
    """True when ``url`` answers 200 now (False while it is down or unhealthy)."""
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (tests/browser.py); skips where it is not installed."""
    from tests.browser import start_browser

    driver = start_browser()
    yield driver
    driver.quit()


def wait_for(predicate, timeout=20.0, interval=0.1, what="condition"):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        eventlet.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def pytest_collection_modifyitems(config, items):
    """Tests that need a real MongoDB server run only where MONGODB_URI names one."""
    import os

    if os.environ.get("MONGODB_URI"):
        return
    skip = pytest.mark.skip(reason="needs a real MongoDB server: set MONGODB_URI (none can be installed here)")
    for item in items:
        if item.get_closest_marker("needs_mongodb_server"):
            item.add_marker(skip)
