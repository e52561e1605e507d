"""End-to-end checks against the compose stack (needs a Docker engine)."""
import pytest
import requests

pytestmark = pytest.mark.e2e


def test_every_service_is_healthy_on_a_real_mongodb(gateway_url):
    body = requests.get(f"{gateway_url}/health", timeout=10).json()
    assert body["status"] == "ok"
    for name in ("ingest", "catalog", "notify"):
        assert body["services"][name]["status"] == "ok" and body["services"][name]["store"] == "mongodb"


def test_credentials_survive_on_the_real_store(gateway_url, e2e_admin_token):
    auth = {"Authorization": f"Bearer {e2e_admin_token}"}
    created = requests.post(f"{gateway_url}/api/v1/subscribers", json={"id": "e2e", "name": "E2E", "country": "NPL"},
                            headers=auth, timeout=10)
    assert created.status_code in (201, 409)  # 409: kept from an earlier run by the real store
    minted = requests.post(f"{gateway_url}/api/v1/credentials", json={"role": "subscriber", "subscriber_id": "e2e"},
                           headers=auth, timeout=10)
    assert minted.status_code == 201
    me = requests.get(f"{gateway_url}/api/v1/me", headers={"Authorization": f"Bearer {minted.json()['token']}"},
                      timeout=10)
    assert me.json()["subject_id"] == "e2e"


def test_an_rpw_file_imports_on_the_real_store(gateway_url, e2e_admin_token):
    import time

    from tests.ingest_files import RPW_QUOTES

    sample = b"\n".join(RPW_QUOTES.read_bytes().split(b"\n")[:301]) + b"\n"  # header + 300 real rows
    auth = {"Authorization": f"Bearer {e2e_admin_token}"}
    created = requests.post(f"{gateway_url}/api/v1/datasets", params={"kind": "rpw-quotes"}, data=sample,
                            headers=auth, timeout=60)
    assert created.status_code in (200, 202)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        dataset = requests.get(f"{gateway_url}/api/v1/datasets/{created.json()['id']}", headers=auth,
                               timeout=10).json()
        if dataset["status"] in ("completed", "failed", "needs_review", "rejected"):
            break
        time.sleep(1)
    assert dataset["status"] == "completed" and dataset["rows_accepted"] == 300
    corridor = requests.get(f"{gateway_url}/api/v1/corridors/ARE/EGY", params={"period": "2011Q1"}, timeout=10)
    assert corridor.status_code == 200 and corridor.json()["quotes"]
