"""The ``observatory`` command line as an operator runs it (the installed
console script, in its own process) against a live platform on the real broker."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from services.notify.service import NotifyService
from tests.hostile_files import truncated_workbook
from tests.ingest_files import DATABANK
from tests.live import free_port, live_services

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform]
ADMIN = "obs_cli-admin-token-0123456789abcdefghijklmnopqrstuvwx"
SCRIPT = shutil.which("observatory", path=str(Path(sys.executable).parent)) or "observatory"


@pytest.fixture(scope="module")
def base(vhost_pipeline):
    services = (GatewayService, IngestService, CatalogService, NotifyService)
    with live_services(vhost_pipeline, services, ADMIN, MAX_UPLOAD_BYTES=16 * 1024 * 1024) as url:
        yield url


def observatory(base, *args, token=ADMIN):
    env = {**os.environ, "OBSERVATORY_URL": base, "OBSERVATORY_TOKEN": token or ""}
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env, timeout=300)


def test_a_real_file_imports_with_progress_and_exit_0(base):
    done = observatory(base, "import", str(DATABANK), "--kind", "rpw-corridor-averages")
    assert done.returncode == 0, done.stderr
    assert "upload" in done.stderr and "rows" in done.stderr  # the progress bars
    assert "completed" in done.stdout and "0 rejected" in done.stdout
    listed = observatory(base, "--json", "datasets", "list")
    assert listed.returncode == 0
    assert [d["status"] for d in json.loads(listed.stdout)["items"]] == ["completed"]


def test_a_failed_import_exits_1_with_its_reason(base, tmp_path):
    broken = tmp_path / "matrix.xlsx"
    broken.write_bytes(truncated_workbook())
    failed = observatory(base, "import", str(broken), "--kind", "bilateral-matrix", "--year", "2017", "--quiet")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "failed" in failed.stdout and "failure:" in failed.stdout


def test_credentials_and_the_exit_codes_scripts_rely_on(base):
    minted = observatory(base, "--json", "credentials", "mint", "--role", "operator", "--label", "ci")
    assert minted.returncode == 0
    credential = json.loads(minted.stdout)
    assert credential["token"].startswith("obs_")
    assert observatory(base, "credentials", "list", token=credential["token"]).returncode == 0
    assert observatory(base, "credentials", "revoke", credential["id"]).returncode == 0
    assert observatory(base, "credentials", "list", token=credential["token"]).returncode == 4  # revoked: 401
    refused = observatory(base, "credentials", "revoke", "000000000000000000000000")
    assert refused.returncode == 4 and "404" in refused.stderr
    assert observatory(base, "datasets", "list", token=None).returncode == 4
    assert observatory(f"http://127.0.0.1:{free_port()}", "datasets", "list").returncode == 5
    assert observatory(base, "import", "/no/such/file.csv", "--kind", "rpw-quotes").returncode == 2
    assert observatory(base, "datasets", "frobnicate").returncode == 2


@pytest.mark.parametrize("command", [[], ["import"], ["datasets"], ["datasets", "list"], ["datasets", "show"],
                                     ["datasets", "publish"], ["datasets", "reject"], ["credentials"],
                                     ["credentials", "mint"], ["credentials", "list"], ["credentials", "revoke"],
                                     ["dead-letters"], ["dead-letters", "list"], ["dead-letters", "replay"],
                                     ["deliveries"], ["deliveries", "list"], ["deliveries", "replay"]])
def test_every_command_has_help(command):
    shown = subprocess.run([SCRIPT, *command, "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and shown.stdout.startswith("usage: observatory")
