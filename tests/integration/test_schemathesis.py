"""schemathesis against the live gateway, from its own OpenAPI description,
as each role: no 5xx, and no answer that breaks the schema it declares."""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from services.notify.service import NotifyService
from tests.conftest import wait_for
from tests.live import import_datasets, live_services
from tests.ingest_files import DATABANK, RPW_QUOTES

# CSV bodies (the practice import) go out as the generated text, like text/plain.
schemathesis.serializer("text/csv")(schemathesis.serializers.TextSerializer)

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform, pytest.mark.timeout(600)]  # a loaded machine takes ~2 min
ADMIN = "obs_schemathesis-admin-token-0123456789abcdefghijklmn"
ROLES = ("anonymous", "operator", "provider", "subscriber")
ROLES = (*ROLES, "reporter")  # a reporting institution (national submissions)


@pytest.fixture(scope="module")
def live_gateway(vhost_pipeline):
    services = (GatewayService, IngestService, CatalogService, NotifyService)
    with live_services(vhost_pipeline, services, ADMIN, MAX_UPLOAD_BYTES=16 * 1024 * 1024) as base:
        admin = {"Authorization": f"Bearer {ADMIN}"}
        import_datasets(base, ADMIN, [(RPW_QUOTES, "rpw-quotes"), (DATABANK, "rpw-corridor-averages")])
        wait_for(lambda: requests.get(f"{base}/api/v1/providers/western-union", timeout=30).status_code == 200,
                 timeout=60, interval=0.5, what="the catalog to register the firms")
        requests.post(f"{base}/api/v1/subscribers", json={"id": "mof-nepal", "name": "Ministry of Finance",
                                                          "country": "NPL"}, headers=admin, timeout=30)
        tokens = {"operator": ADMIN}
        for role, subject in (("provider", {"provider_id": "western-union"}),
                              ("subscriber", {"subscriber_id": "mof-nepal"})):
            tokens[role] = requests.post(f"{base}/api/v1/credentials", json={"role": role, **subject},
                                         headers=admin, timeout=30).json()["token"]
        requests.post(f"{base}/api/v1/reporters", json={"id": "nrb", "name": "Nepal Rastra Bank", "country": "NPL",
                                                        "kind": "central_bank"}, headers=admin, timeout=30)
        tokens["reporter"] = requests.post(f"{base}/api/v1/credentials", json={"role": "reporter", "reporter_id": "nrb"},
                                           headers=admin, timeout=30).json()["token"]
        yield {"base": base, "tokens": tokens}


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
