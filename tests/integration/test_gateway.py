"""The gateway on the real broker: health with deadlines, JSON errors, tokens."""
import datetime as dt
import time

import pytest

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from services.notify.service import NotifyService

pytestmark = pytest.mark.broker

ALL = (GatewayService, IngestService, CatalogService, NotifyService)


@pytest.fixture
def platform(runner_factory, platform_config):
    runner = runner_factory(platform_config, *ALL)
    runner.start()
    return runner


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_health_is_200_when_every_service_answers(platform, web_session):
    response = web_session.get("/health")
    assert response.status_code == 200
    services = response.json()["services"]
    assert set(services) == {"gateway", "ingest", "catalog", "notify"}
    assert all(s["status"] == "ok" for s in services.values())


def test_health_says_of_every_store_that_it_is_in_process_and_holds_data_since_the_platform_started(
        runner_factory, platform_config, web_session):
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    runner_factory(platform_config, *ALL).start()
    services = web_session.get("/health").json()["services"]
    assert set(services) == {"gateway", "ingest", "catalog", "notify"}
    for name, health in services.items():
        assert health["durable"] is False, name  # no MONGODB_URI: mongomock, lost with the process
        since = dt.datetime.fromisoformat(health["data_since"])
        assert started <= since <= dt.datetime.now(dt.timezone.utc), name
        assert "in-process (not kept)" in health["store"]


def test_health_is_503_within_the_deadline_naming_the_stopped_service(platform, web_session):
    next(c for c in platform.containers if c.service_name == "notify").stop()
    started = time.monotonic()
    response = web_session.get("/health")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    body = response.json()
    assert body["services"]["notify"]["status"] == "unavailable"
    assert "notify" in body["services"]["notify"]["reason"]
    assert body["services"]["ingest"]["status"] == "ok"
    assert elapsed < 3.5, f"health took {elapsed:.1f} s; the deadline is 2 s"


def test_the_rpc_deadline_comes_from_the_service_config(runner_factory, platform_config, web_session):
    runner = runner_factory({**platform_config, "RPC_DEADLINE_SECONDS": 0.5}, *ALL)
    runner.start()
    # its queue stays: only the deadline ends the wait
    next(c for c in runner.containers if c.service_name == "notify").stop()
    started = time.monotonic()
    response = web_session.get("/health")
    assert response.status_code == 503
    notify = response.json()["services"]["notify"]
    assert notify["status"] == "unavailable" and "within 0.5 s" in notify["reason"]
    assert time.monotonic() - started < 1.5, "health waited past the configured 0.5 s deadline"


def test_health_is_503_when_a_service_never_started(runner_factory, platform_config, web_session):
    runner_factory(platform_config, GatewayService, IngestService, CatalogService).start()
    response = web_session.get("/health")
    assert response.status_code == 503
    assert response.json()["services"]["notify"]["status"] == "unavailable"


def test_unknown_paths_and_methods_get_json_errors(platform, web_session):
    missing = web_session.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"] == "NOT_FOUND"
    outside = web_session.get("/nowhere")
    assert outside.status_code == 404 and outside.json()["error"] == "NOT_FOUND"
    wrong_method = web_session.post("/health")
    assert wrong_method.status_code == 405 and wrong_method.json()["error"] == "METHOD_NOT_ALLOWED"


def test_operator_mints_tokens_that_are_shown_once_and_work(platform, web_session, admin_token):
    assert web_session.post("/api/v1/credentials", json={"role": "provider", "provider_id": "wu"}).status_code == 401
    assert web_session.post("/api/v1/credentials", json={"role": "provider", "provider_id": "wu"},
                            headers=bearer(admin_token)).status_code == 404, "no such provider yet"
    created = web_session.post("/api/v1/providers", json={"name": "WU", "types": ["money transfer operator"]},
                               headers=bearer(admin_token))
    assert created.status_code == 201 and created.json()["id"] == "wu", created.text
    minted = web_session.post("/api/v1/credentials", json={"role": "provider", "provider_id": "wu", "label": "WU"},
                              headers=bearer(admin_token))
    assert minted.status_code == 201, minted.text
    token = minted.json()["token"]
    assert token.startswith("obs_") and minted.json()["provider_id"] == "wu"

    me = web_session.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200 and me.json()["role"] == "provider" and me.json()["subject_id"] == "wu"

    listed = web_session.get("/api/v1/credentials", headers=bearer(admin_token)).json()["items"]
    assert [c["provider_id"] for c in listed] == ["wu"]
    assert all("token" not in c for c in listed), "a token is shown once, at creation"

    # the wrong role gets 403, not 401
    forbidden = web_session.post("/api/v1/credentials", json={"role": "operator"}, headers=bearer(token))
    assert forbidden.status_code == 403 and forbidden.json()["error"] == "FORBIDDEN"

    revoked = web_session.delete(f"/api/v1/credentials/{minted.json()['id']}", headers=bearer(admin_token))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert web_session.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_subscriber_tokens_are_bound_to_their_subscriber(platform, web_session, admin_token):
    assert web_session.post("/api/v1/credentials", json={"role": "subscriber", "subscriber_id": "mof-nepal"},
                            headers=bearer(admin_token)).status_code == 404, "no such subscriber yet"
    created = web_session.post("/api/v1/subscribers", json={"id": "mof-nepal", "name": "Ministry of Finance",
                                                           "country": "NPL"}, headers=bearer(admin_token))
    assert created.status_code == 201, created.text
    minted = web_session.post("/api/v1/credentials", json={"role": "subscriber", "subscriber_id": "mof-nepal"},
                              headers=bearer(admin_token)).json()
    me = web_session.get("/api/v1/me", headers=bearer(minted["token"])).json()
    assert me == {"role": "subscriber", "subject_id": "mof-nepal", "credential_id": minted["id"]}


@pytest.mark.parametrize("headers,body,status,code", [
    ({}, None, 401, "UNAUTHORIZED"),
    ({"Authorization": "Bearer obs_not-a-real-token"}, None, 401, "UNAUTHORIZED"),
    ({"Authorization": "Basic Zm9vOmJhcg=="}, None, 401, "UNAUTHORIZED"),
])
def test_bad_credentials_get_401(platform, web_session, headers, body, status, code):
    response = web_session.post("/api/v1/credentials", json={"role": "operator"}, headers=headers)
    assert (response.status_code, response.json()["error"]) == (status, code)


def test_bad_bodies_get_precise_400s(platform, web_session, admin_token):
    auth = {**bearer(admin_token), "Content-Type": "application/json"}
    not_json = web_session.post("/api/v1/credentials", data=b"{nope", headers=auth)
    assert not_json.status_code == 400 and not_json.json()["error"] == "INVALID_JSON"
    unknown = web_session.post("/api/v1/credentials", json={"role": "operator", "admin": True},
                               headers=bearer(admin_token))
    assert unknown.status_code == 400 and "admin" in unknown.json()["details"]["fields"]
    wrong_type = web_session.post("/api/v1/credentials", json={"role": 7}, headers=bearer(admin_token))
    assert wrong_type.status_code == 400 and "role" in wrong_type.json()["details"]["fields"]
    form = web_session.post("/api/v1/credentials", data={"role": "operator"}, headers=bearer(admin_token))
    assert form.status_code == 415


def test_the_openapi_description_and_the_docs_page_are_served_without_any_cdn(platform, web_session):
    from openapi_spec_validator import validate

    spec = web_session.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    validate(spec.json())
    page = web_session.get("/docs")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert 'spec-url="/api/v1/openapi.json"' in page.text and "http" not in page.text.lower().replace("<!doctype html>", "")
    script = web_session.get("/docs/redoc.standalone.js")
    assert script.status_code == 200 and len(script.content) > 500_000


def test_rate_limits_answer_429_with_retry_after_per_address_and_per_token(runner_factory, platform_config,
                                                                          web_session, admin_token):
    runner_factory({**platform_config, "RATE_LIMIT_ANONYMOUS": "5/minute", "RATE_LIMIT_TOKEN": "8/minute"},
                   GatewayService).start()
    assert [web_session.get("/api/v1").status_code for _ in range(5)] == [200] * 5
    limited = web_session.get("/api/v1")
    assert limited.status_code == 429 and limited.json()["error"] == "RATE_LIMITED"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    guessing = web_session.get("/api/v1/me", headers=bearer("obs_guessed-token"))
    assert guessing.status_code == 429, "a bad token counts against the address"
    statuses = [web_session.get("/api/v1/me", headers=bearer(admin_token)).status_code for _ in range(9)]
    assert statuses == [200] * 8 + [429], "a valid token has its own limit"
