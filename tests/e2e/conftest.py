"""The compose tier: pytest-docker brings the whole stack up (real MongoDB,
RabbitMQ, one image for all services). Without a Docker engine these tests
skip with the reason; they never error."""
import os
import secrets
import shutil
import subprocess

import pytest
import requests

from tests.conftest import ROOT


def docker_engine_problem():
    """None when a Docker engine and the compose plugin answer; else why not."""
    if not shutil.which("docker"):
        return "no docker client on this machine"
    try:
        info = subprocess.run(["docker", "info"], capture_output=True, timeout=15)
        if info.returncode != 0:
            return "no Docker engine answers (docker info failed)"
        plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=15)
        if plugin.returncode != 0:
            return "the docker compose plugin is missing"
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"docker did not answer: {exc}"
    return None


def pytest_collection_modifyitems(config, items):
    problem = None
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/") and item.get_closest_marker("e2e"):
            problem = problem or docker_engine_problem() or "ok"
            if problem != "ok":
                item.add_marker(pytest.mark.skip(reason=f"compose tier skipped: {problem}"))


@pytest.fixture(scope="session")
def docker_compose_file():
    return str(ROOT / "docker-compose.yml")


@pytest.fixture(scope="session")
def e2e_admin_token():
    token = os.environ.setdefault("OBSERVATORY_ADMIN_TOKEN", "obs_" + secrets.token_urlsafe(32))
    return token


@pytest.fixture(scope="session")
def docker_setup():
    return ["up --build -d --wait"]


@pytest.fixture(scope="session")
def gateway_url(e2e_admin_token, docker_ip, docker_services):
    url = f"http://{docker_ip}:{docker_services.port_for('proxy', 8000)}"

    def healthy():
        try:
            return requests.get(f"{url}/health", timeout=3).status_code == 200
        except requests.RequestException:
            return False

    docker_services.wait_until_responsive(check=healthy, timeout=300, pause=2)
    return url
