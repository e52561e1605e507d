"""Hostile HTTP on the real broker: every one gets a precise JSON 4xx or a
503, never a 500, and a broker outage turns reads into 503, not 500."""
import json
import socket
import subprocess

import pytest

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from services.notify.service import NotifyService
from tests.conftest import answers_200, wait_for

pytestmark = pytest.mark.broker


@pytest.fixture
def platform(runner_factory, platform_config):
    runner = runner_factory(platform_config, GatewayService, IngestService, CatalogService, NotifyService)
    runner.start()
    return runner


@pytest.fixture
def operator(admin_token):
    return {"Authorization": f"Bearer {admin_token}", "Content-Type": "application/json"}


def assert_json_error(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message", "details"} and body["message"]
    if code:
        assert body["error"] == code, body


def test_json_nested_5000_deep_is_a_400(platform, web_session, operator):
    body = "[" * 5000 + "]" * 5000
    assert_json_error(web_session.post("/api/v1/credentials", data=body, headers=operator), 400, "INVALID_JSON")
    nested = []
    for _ in range(40):  # deep enough to refuse, far from Python's recursion limit
        nested = [nested]
    shallow_but_too_deep = json.dumps({"role": "subscriber", "label": nested})
    response = web_session.post("/api/v1/credentials", data=shallow_but_too_deep, headers=operator)
    assert_json_error(response, 400, "INVALID_JSON")
    assert "nested deeper" in response.json()["message"]


def test_a_lone_surrogate_in_a_json_string_is_a_400(platform, web_session, operator):
    body = '{"role": "subscriber", "subscriber_id": "mof-nepal", "label": "\\ud800"}'
    response = web_session.post("/api/v1/credentials", data=body, headers=operator)
    assert_json_error(response, 400, "INVALID_JSON")
    assert "surrogate" in response.json()["message"]
    not_utf8 = web_session.post("/api/v1/credentials", data=b'{"role": "\xff\xfe"}', headers=operator)
    assert_json_error(not_utf8, 400, "INVALID_JSON")


def test_json_bodies_have_a_size_limit_declared_or_streamed(platform, web_session, operator):
    huge = b'{"label": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    assert_json_error(web_session.post("/api/v1/credentials", data=huge, headers=operator), 413, "PAYLOAD_TOO_LARGE")
    streamed = web_session.post("/api/v1/credentials", headers=operator,
                                data=(huge[i:i + 65536] for i in range(0, len(huge), 65536)))
    assert_json_error(streamed, 413, "PAYLOAD_TOO_LARGE")


def test_a_malformed_chunked_body_is_a_400(platform, web_config_port, admin_token):
    request = (f"POST /api/v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {admin_token}\r\n"
               "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
               "zz\r\n{}\r\n0\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", web_config_port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 400 " in status_line, answer[:300]
    assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["error"] == "MALFORMED_BODY"


@pytest.mark.parametrize("path", ["/health", "/api/v1/corridors/ARE/NPL", "/api/v1/corridors/ARE/NPL/history",
                                  "/api/v1/indicators", "/api/v1/corridors", "/api/v1/countries/NPL",
                                  "/api/v1/datasets", "/api/v1/credentials", "/api/v1/me"])
def test_unknown_query_parameters_are_rejected_on_every_endpoint(platform, web_session, operator, path):
    response = web_session.get(path, params={"colour": "blue"}, headers=operator)
    assert_json_error(response, 400, "VALIDATION_ERROR")
    assert "colour" in response.json()["details"]["fields"]


def test_a_parameter_given_twice_is_rejected(platform, web_session):
    response = web_session.get("/api/v1/indicators?period=2014Q1&period=2013Q1")
    assert_json_error(response, 400, "VALIDATION_ERROR")


def test_a_trailing_newline_does_not_pass_the_period_or_iso3_patterns(platform, web_session):
    assert_json_error(web_session.get("/api/v1/indicators", params={"period": "2014Q1\n"}), 400, "VALIDATION_ERROR")
    assert_json_error(web_session.get("/api/v1/corridors/ARE/NPL%0A"), 400, "VALIDATION_ERROR")
    assert_json_error(web_session.get("/api/v1/corridors", params={"source": "ARE\n"}), 400, "VALIDATION_ERROR")


def test_digits_of_another_script_are_not_a_period(platform, web_session):
    """\\d matches ٢٠١٤ (Arabic-Indic); such a period once reached a download's file name and broke the answer."""
    for path in ("/api/v1/indicators", "/api/v1/exports/corridors.csv"):
        assert_json_error(web_session.get(path, params={"period": "\u0662\u0660\u0661\u0664Q1"}), 400,
                          "VALIDATION_ERROR")


def _rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)


def test_reads_answer_503_while_the_broker_is_down_and_recover(platform, web_session):
    assert web_session.get("/api/v1/indicators").status_code == 404  # empty store, but answering
    _rabbitmqctl("stop_app")
    try:
        for path in ("/api/v1/corridors/ARE/NPL", "/api/v1/indicators"):
            response = web_session.get(path, timeout=15)
            assert_json_error(response, 503, "SERVICE_UNAVAILABLE")
        health = web_session.get("/health", timeout=15)
        assert health.status_code == 503 and health.json()["status"] == "degraded"
    finally:
        _rabbitmqctl("start_app")
        _rabbitmqctl("await_startup")
    wait_for(lambda: answers_200(f"{web_session.base}/health"), timeout=60, interval=1,
             what="the platform to answer again after the broker returned")
