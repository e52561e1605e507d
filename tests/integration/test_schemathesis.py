"""schemathesis against the live gateway, from its own OpenAPI description,
as each role: no 5xx, and no answer that breaks the schema it declares."""
import socket

import mongoengine
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from nameko.runners import ServiceRunner
from schemathesis.checks import not_a_server_error, response_schema_conformance

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from services.notify.service import NotifyService
from tests.conftest import wait_for
from tests.ingest_files import DATABANK, RPW_QUOTES

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform]
ADMIN = "obs_schemathesis-admin-token-0123456789abcdefghijklmn"
ROLES = ("anonymous", "operator", "provider", "subscriber")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_gateway(vhost_pipeline):
    port = free_port()
    with vhost_pipeline.get() as vhost:
        config = {"AMQP_URI": f"pyamqp://guest:guest@localhost:5672/{vhost}", "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
                  "OBSERVATORY_ADMIN_TOKEN": ADMIN, "MONGODB_URI": "", "MAX_UPLOAD_BYTES": 16 * 1024 * 1024}
        runner = ServiceRunner(config)
        for service in (GatewayService, IngestService, CatalogService, NotifyService):
            runner.add_service(service)
        runner.start()
        base = f"http://127.0.0.1:{port}"
        admin = {"Authorization": f"Bearer {ADMIN}"}
        try:
            for path, kind in ((RPW_QUOTES, "rpw-quotes"), (DATABANK, "rpw-corridor-averages")):
                dataset_id = requests.post(f"{base}/api/v1/datasets", params={"kind": kind}, data=path.read_bytes(),
                                           headers=admin, timeout=120).json()["id"]
                wait_for(lambda: requests.get(f"{base}/api/v1/datasets/{dataset_id}", headers=admin, timeout=30)
                         .json()["status"] == "completed", timeout=120, interval=0.5, what=f"{kind} to load")
            tokens = {"operator": ADMIN}
            for role, subject in (("provider", {"provider_id": "western-union"}),
                                  ("subscriber", {"subscriber_id": "mof-nepal"})):
                tokens[role] = requests.post(f"{base}/api/v1/credentials", json={"role": role, **subject},
                                             headers=admin, timeout=30).json()["token"]
            yield {"base": base, "tokens": tokens}
        finally:
            runner.stop()
            mongoengine.disconnect_all()


@pytest.fixture(scope="module")
def api_schema(live_gateway):
    return schemathesis.from_uri(f"{live_gateway['base']}/api/v1/openapi.json", base_url=live_gateway["base"])


schema = schemathesis.from_pytest_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_5xx_and_every_answer_keeps_its_declared_schema(case, live_gateway):
    for role in ROLES:  # the same request as each role
        headers = {} if role == "anonymous" else {"Authorization": f"Bearer {live_gateway['tokens'][role]}"}
        response = case.call(headers=headers, timeout=30)
        case.validate_response(response, checks=(not_a_server_error, response_schema_conformance))
