"""Hostile HTTP on the real broker: every one gets a precise JSON 4xx or a
503, never a 500, and a broker outage turns reads into 503, not 500."""
import base64
import json
import socket
import subprocess

import pytest

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from services.notify.service import NotifyService
from tests.conftest import answers_200, wait_for
from tests.ingest_files import RPW_QUOTES

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


def raw_request(port, head, body):
    """Send ``head`` and ``body``, then close the write side (the body cut
    short there); the status line and the JSON error that came back."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(head.encode() + body)
        connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    headers, _, payload = rest.partition(b"\r\n\r\n")
    return status_line.decode(), headers.decode(), payload


def _head(path, token, content_type, framing):
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: {content_type}\r\n{framing}\r\nConnection: close\r\n\r\n")


def _real_quotes_head(size):
    with open(RPW_QUOTES, "rb") as f:
        return f.read(size)


CUT_SHORT = [  # (path, content type, the part of the body that arrives)
    ("/api/v1/providers", "application/json", b'{"name": "Chunk Co"}'),
    ("/api/v1/credentials", "application/json", b'{"role": "subscriber", "subscriber_id": "mof-nepal"}'),
    ("/api/v1/datasets?kind=rpw-quotes", "application/octet-stream", _real_quotes_head(3000)),
    ("/api/v1/practices/import.csv", "text/csv", b"id,title,summary,body,source_title\na-b,Title,Summary,Body,Note\n"),
]


@pytest.mark.parametrize("path, content_type, sent", CUT_SHORT, ids=[c[0] for c in CUT_SHORT])
def test_a_chunked_body_cut_short_is_a_400(platform, web_config_port, admin_token, path, content_type, sent):
    """The chunk says 0xfff bytes, fewer arrive, the client stops writing: once a 500."""
    status, _, payload = raw_request(web_config_port, _head(path, admin_token, content_type,
                                                            "Transfer-Encoding: chunked"),
                                     b"fff\r\n" + sent)
    assert " 400 " in status, (status, payload[:300])
    body = json.loads(payload)
    assert body["error"] == "MALFORMED_BODY" and "ended before" in body["message"], body


@pytest.mark.parametrize("path, content_type, sent", CUT_SHORT, ids=[c[0] for c in CUT_SHORT])
def test_a_body_shorter_than_its_content_length_is_a_400(platform, web_config_port, admin_token, path,
                                                         content_type, sent):
    status, _, payload = raw_request(web_config_port, _head(path, admin_token, content_type,
                                                            f"Content-Length: {len(sent) + 1000}"), sent)
    assert " 400 " in status, (status, payload[:300])
    assert json.loads(payload)["error"] == "MALFORMED_BODY"


def test_a_multipart_upload_cut_short_is_a_400(platform, web_config_port, admin_token):
    boundary = "obs-boundary"
    part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"quotes.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode() + _real_quotes_head(3000)
    status, _, payload = raw_request(web_config_port, _head(
        "/api/v1/datasets?kind=rpw-quotes", admin_token, f"multipart/form-data; boundary={boundary}",
        "Transfer-Encoding: chunked"), f"{len(part) + 500:x}\r\n".encode() + part)
    assert " 400 " in status, (status, payload[:300])
    assert json.loads(payload)["error"] == "MALFORMED_BODY"


def forged_cursor(position):
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


# No list takes these; {"after": "x"} is a fine position in a list in id order, not in a newest-first one.
FORGED_CURSORS = ["eyJvZmZzZXQiOiAieCJ9", forged_cursor({"after": {"$gt": ""}}), forged_cursor({"offset": 10 ** 30}),
                  forged_cursor({"after": "x", "offset": 0}), forged_cursor(["x"]), "not-base64!"]
NEWEST_FIRST = ["eyJhZnRlciI6ICJ4In0", forged_cursor({"after": "x", "at": "yesterday"})]
CURSOR_LISTS = [("/api/v1/notifications", "subscriber", NEWEST_FIRST), ("/api/v1/deliveries", "subscriber", NEWEST_FIRST),
                ("/api/v1/subscriptions", "subscriber", []), ("/api/v1/subscribers", "operator", []),
                ("/api/v1/providers", None, []), ("/api/v1/practices", None, [forged_cursor({"offset": -1})]),
                ("/api/v1/practices", "operator", [forged_cursor({"offset": 1.5})]),
                ("/api/v1/datasets", "operator", NEWEST_FIRST), ("/api/v1/releases", None, NEWEST_FIRST),
                ("/api/v1/corridors", None, [])]


@pytest.fixture
def subscriber_token(platform, web_session, operator):
    created = web_session.post("/api/v1/subscribers", headers=operator,
                               json={"id": "mof-nepal", "name": "Ministry of Finance", "country": "NPL"})
    assert created.status_code == 201, created.text
    minted = web_session.post("/api/v1/credentials", headers=operator,
                              json={"role": "subscriber", "subscriber_id": "mof-nepal"})
    return minted.json()["token"]


def test_a_forged_cursor_is_a_400_on_every_list(platform, web_session, admin_token, subscriber_token):
    tokens = {"subscriber": subscriber_token, "operator": admin_token}
    for path, role, also_forged in CURSOR_LISTS:
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
        assert web_session.get(path, headers=headers).status_code == 200, path  # the list itself answers
        for cursor in FORGED_CURSORS + also_forged:
            response = web_session.get(path, params={"cursor": cursor}, headers=headers)
            assert response.status_code == 400, (path, role, cursor, response.text)
            assert_json_error(response, 400, "VALIDATION_ERROR")
            assert response.json()["details"]["fields"] == {"cursor": ["not a cursor this list gave"]}, (path, cursor)


@pytest.mark.parametrize("page", ["/practices", "/providers"])
def test_a_forged_cursor_on_a_directory_page_is_a_400_page(platform, web_session, page):
    for cursor in FORGED_CURSORS:
        response = web_session.get(page, params={"cursor": cursor}, headers={"Accept": "text/html"})
        assert response.status_code == 400 and "text/html" in response.headers["Content-Type"], (page, cursor)
        assert "VALIDATION_ERROR" in response.text


def test_a_long_provider_name_gets_a_bounded_id_and_a_too_long_one_a_400(platform, web_session, operator):
    """A name of 121+ letters once made an id that broke provider.registered: a 500."""
    name = "Banco " + "Remesas" * 30  # 216 letters is over the name's bound; 126 is within
    within = web_session.post("/api/v1/providers", headers=operator,
                              json={"name": name[:126], "types": ["bank"]})
    assert within.status_code == 201, within.text
    entry = within.json()
    assert entry["name"] == name[:126] and 1 <= len(entry["id"]) <= 120
    assert web_session.get(f"/api/v1/providers/{entry['id']}").json()["name"] == name[:126]
    again = web_session.post("/api/v1/providers", headers=operator, json={"name": name[:126], "types": ["bank"]})
    assert again.status_code == 201 and again.json()["id"] != entry["id"] and len(again.json()["id"]) <= 120
    too_long = web_session.post("/api/v1/providers", headers=operator, json={"name": name, "types": ["bank"]})
    assert_json_error(too_long, 400, "VALIDATION_ERROR")
    assert "name" in too_long.json()["details"]["fields"]


def test_a_practices_csv_with_every_unicode_line_break_is_a_400(platform, web_session, admin_token):
    response = web_session.post("/api/v1/practices/import.csv", data="a\nb\rc\u0085d\x0be\x0cf\u2028g\u2029h\r\ni"
                                .encode(), headers={"Authorization": f"Bearer {admin_token}",
                                                    "Content-Type": "text/csv"})
    assert_json_error(response, 400, "VALIDATION_ERROR")
    assert "a" in response.json()["details"]["fields"]["items"]["0"]  # a column no practice has


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
