"""The compose file is checked without a Docker engine."""
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

COMPOSE = ROOT / "docker-compose.yml"
WORKERS = ("ingest", "catalog", "notify")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def test_every_service_is_defined_with_a_healthcheck(compose):
    services = compose["services"]
    assert set(services) == {"rabbitmq", "mongo", "gateway", *WORKERS}
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert services["rabbitmq"]["image"].startswith("rabbitmq:3-management")
    assert services["mongo"]["image"] == "mongo:7"
    assert set(compose["volumes"]) == {"rabbitmq-data", "mongo-data"}


def test_services_share_one_image_and_wait_for_healthy_dependencies(compose):
    app = [compose["services"][n] for n in (*WORKERS, "gateway")]
    assert {s["image"] for s in app} == {"remittances-observatory:latest"}
    assert all(s["build"] == "." for s in app)
    for service in app:
        assert {d: c["condition"] for d, c in service["depends_on"].items()} == {
            "rabbitmq": "service_healthy", "mongo": "service_healthy"}
        assert service["environment"]["MONGODB_URI"].startswith("mongodb://")
        assert service["environment"]["AMQP_URI"].startswith("pyamqp://")


def test_workers_can_be_scaled(compose):
    for name in WORKERS:
        service = compose["services"][name]
        assert "container_name" not in service and "ports" not in service, f"{name} cannot be scaled"


def test_each_worker_runs_its_own_service_class(compose):
    for name in WORKERS:
        command = compose["services"][name]["command"]
        assert command[:2] == ["nameko", "run"] and command[-1].startswith(f"services.{name}.service:")


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose (v1) not installed to lint with")
def test_docker_compose_accepts_the_file():
    result = subprocess.run(["docker-compose", "-f", str(COMPOSE), "config", "-q"], capture_output=True, text=True,
                            env={"OBSERVATORY_ADMIN_TOKEN": "x", "PATH": "/usr/bin:/bin:/usr/local/bin"})
    assert result.returncode == 0, result.stderr
