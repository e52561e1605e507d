"""``make run``'s launcher as a newcomer uses it: real processes, real broker."""
import os
import re
import signal
import socket
import subprocess
import sys

import pytest
import requests

from gateway.examples import REQUESTS, examples, is_trimmed_from
from tests.conftest import ROOT, answers_200, wait_for
from tests.ingest_files import as_csv, real_rows
from tests.live import free_port

pytestmark = pytest.mark.broker


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def launcher_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URI", "OBSERVATORY_ADMIN_TOKEN")}
    env.update(OBSERVATORY_PORT=str(free_port()), OBSERVATORY_LOAD_BUNDLED_DATA="0")
    return env


def test_run_starts_all_four_services_loads_the_bundled_data_and_ctrl_c_stops_every_process(launcher_env, tmp_path):
    launcher_env["OBSERVATORY_LOAD_BUNDLED_DATA"] = "1"
    port = launcher_env["OBSERVATORY_PORT"]
    out = open(tmp_path / "launcher.out", "w+")
    launcher = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "run_platform.py")], cwd=ROOT,
                                env=launcher_env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: answers_200(f"http://127.0.0.1:{port}/health"), timeout=90, interval=0.5, what="make run to serve /health = 200")
        wait_for(lambda: "press Ctrl-C" in (tmp_path / "launcher.out").read_text(), timeout=240, interval=0.5,
                 what="the bundled data to load and the ready message")
        text = (tmp_path / "launcher.out").read_text()
        pids = [int(p) for p in re.findall(r"pid\s+(\d+)", text)]
        assert len(pids) == 4 and all(alive(p) for p in pids)
        assert re.search(r"operator token.*\n\s+obs_\S{43}", text), "a generated operator token is printed once"
        assert "MONGODB_URI is not set" in text

        token = re.search(r"(obs_\S{43})", text).group(1)
        me = requests.get(f"http://127.0.0.1:{port}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["role"] == "operator"

        # the bundled data is there: every file loaded, real figures published
        loaded = re.findall(r"\[\s*\d+/(\d+)\] .*: completed\s+([\d,]+) rows accepted, 0 rejected", text)
        assert len(loaded) == int(loaded[0][0]) >= 19
        figures = requests.get(f"http://127.0.0.1:{port}/api/v1/indicators", params={"period": "2014Q1"}).json()
        assert 5 < figures["global_average_pct"] < 15 and figures["weight_year"] == 2012
        assert round(figures["global_weighted_average_pct"], 2) == 5.91  # as RPW published for Q1 2014
        profile = requests.get(f"http://127.0.0.1:{port}/api/v1/countries/NPL").json()
        assert profile["series"]["knomad_inflows_usd_m"]["values"]["2022"] > 9000
        assert profile["top_sending_countries"]["items"]
        for handler, (path, params) in REQUESTS.items():  # the OpenAPI examples are real answers
            live = requests.get(f"http://127.0.0.1:{port}{path}", params=params).json()
            assert is_trimmed_from(examples()[handler], live), handler

        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=40) == 0
        assert not [p for p in pids if alive(p)], "every service process is stopped"
    finally:
        if launcher.poll() is None:
            launcher.kill()


def test_run_refuses_a_port_that_is_already_taken(launcher_env):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(launcher_env["OBSERVATORY_PORT"])))
        squatter.listen()
        result = subprocess.run([sys.executable, str(ROOT / "scripts" / "run_platform.py")], cwd=ROOT,
                                env=launcher_env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "already in use" in result.stderr
    assert "started" not in result.stdout


def _launch(env, tmp_path):
    out = open(tmp_path / "launcher.out", "w+")
    launcher = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "run_platform.py")], cwd=ROOT,
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    return launcher, lambda: (tmp_path / "launcher.out").read_text()


def _status(url, **kwargs):
    """The status, or the error; /health itself waits up to the 2 s RPC deadline for a dead service."""
    try:
        return requests.get(url, timeout=5, **kwargs).status_code
    except requests.RequestException as exc:
        return type(exc).__name__


def _service_pids(text):
    return {name: int(pid) for name, pid in re.findall(r"started (\w+)\s+pid\s+(\d+)", text)}


def _ready(launcher_env, output, timeout):
    """Wait for `make run` to say it serves; (base URL, operator auth header)."""
    wait_for(lambda: "press Ctrl-C" in output(), timeout=timeout, interval=0.5, what="make run to be ready")
    token = re.search(r"(obs_\S{43})", output()).group(1)
    return f"http://127.0.0.1:{launcher_env['OBSERVATORY_PORT']}", {"Authorization": f"Bearer {token}"}


def test_kill_9_of_ingest_mid_import_restarts_it_and_reloads_the_bundled_data(launcher_env, tmp_path):
    launcher_env["OBSERVATORY_LOAD_BUNDLED_DATA"] = "1"
    launcher, output = _launch(launcher_env, tmp_path)
    try:
        base, auth = _ready(launcher_env, output, timeout=300)
        before = requests.get(f"{base}/api/v1/indicators", params={"period": "2014Q1"}, timeout=5).json()
        first = _service_pids(output())

        # an import in flight: the real quotes as UTF-16 (new bytes, same content)
        data = (ROOT / "data" / "rpw" / "rpw_provider_quotes_2011q1_2014q1.csv").read_bytes()
        dataset_id = requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, headers=auth,
                                   data=data.decode("utf-8").encode("utf-16"), timeout=60).json()["id"]
        wait_for(lambda: requests.get(f"{base}/api/v1/datasets/{dataset_id}", headers=auth, timeout=5).json()
                 .get("status") == "processing", timeout=30, interval=0.05, what="the import to start")
        os.kill(first["ingest"], signal.SIGKILL)

        answers = []
        def restarted():
            answers.append(_status(f"{base}/health"))
            return len(re.findall(r"started ingest", output())) == 2
        wait_for(restarted, timeout=60, interval=0.3, what="the launcher to restart ingest")
        assert all(a in (200, 503) for a in answers), answers  # the gateway kept answering, with JSON
        assert all(alive(first[name]) for name in ("gateway", "catalog", "notify"))
        assert "ingest (pid %d) stopped unexpectedly" % first["ingest"] in output()

        wait_for(lambda: "bundled data loaded again" in output(), timeout=300, interval=1,
                 what="the bundled data to be loaded again")
        after = requests.get(f"{base}/api/v1/indicators", params={"period": "2014Q1"}, timeout=5).json()
        # the same figures, from the same real files (loaded again: a release of their own)
        assert figures_of(after) == figures_of(before) and after["vintage"] != before["vintage"]
        lost = requests.get(f"{base}/api/v1/datasets/{dataset_id}", headers=auth, timeout=5)
        assert lost.status_code == 404 and "lost with the previous process" in lost.json()["message"]
        health = requests.get(f"{base}/health", timeout=5).json()["services"]
        assert health["ingest"]["started_at"] > health["catalog"]["started_at"]  # only ingest restarted
        assert "since " + health["ingest"]["started_at"] in health["ingest"]["store"]
        ingest_log = (ROOT / ".run" / "logs" / "ingest.log").read_text()
        assert f"import job for unknown dataset {dataset_id}" in ingest_log  # redelivered, acknowledged, logged

        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=40) == 0
    finally:
        if launcher.poll() is None:
            launcher.kill()


def figures_of(answer):
    return {k: v for k, v in answer.items() if k not in ("vintage", "permalink")}


def _providers(base):
    answer = requests.get(f"{base}/api/v1/providers", params={"limit": 1}, timeout=5)
    return answer.json()["total"] if answer.status_code == 200 else None


@pytest.mark.timeout(400)
def test_kill_9_of_catalog_brings_every_observed_provider_back_without_an_operator(launcher_env, tmp_path):
    launcher, output = _launch(launcher_env, tmp_path)
    try:
        base, auth = _ready(launcher_env, output, timeout=120)
        header, rows = real_rows()  # one real quarter, imported as an operator does
        quarter = as_csv(header, [r for r in rows if r[header.index("period")] == "2014_1Q"])
        uploaded = requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, headers=auth,
                                 data=quarter, timeout=60)
        assert uploaded.status_code == 202, uploaded.text
        dataset_id = uploaded.json()["id"]
        wait_for(lambda: requests.get(f"{base}/api/v1/datasets/{dataset_id}", headers=auth, timeout=5).json()
                 .get("status") == "completed", timeout=120, interval=0.5, what="the import")
        counts = []
        wait_for(lambda: counts.append(_providers(base)) or len(counts) > 3 and counts[-1] == counts[-4] > 100,
                 timeout=120, interval=1, what="the firms of the quarter to be registered")
        before = counts[-1]
        western_union = requests.get(f"{base}/api/v1/providers", params={"alias": "Western Union"}, timeout=5).json()
        assert western_union["items"]
        health = requests.get(f"{base}/health", timeout=5).json()["services"]
        first = _service_pids(output())

        os.kill(first["catalog"], signal.SIGKILL)
        wait_for(lambda: len(re.findall(r"started catalog", output())) == 2, timeout=60, interval=0.3,
                 what="the launcher to restart catalog")
        wait_for(lambda: _providers(base) == before, timeout=180, interval=1,
                 what=f"the {before} providers to be back")  # nobody asked for it
        again = requests.get(f"{base}/api/v1/providers", params={"alias": "Western Union"}, timeout=5).json()
        assert [p["id"] for p in again["items"]] == [p["id"] for p in western_union["items"]]
        assert [p["aliases"] for p in again["items"]] == [p["aliases"] for p in western_union["items"]]
        assert _service_pids(output())["ingest"] == first["ingest"]  # rebuilt from ingest's data, not reloaded

        after = requests.get(f"{base}/health", timeout=5).json()["services"]
        assert after["catalog"]["durable"] is False
        assert after["catalog"]["data_since"] > health["catalog"]["data_since"]  # what it held before is gone...
        assert after["ingest"]["data_since"] == health["ingest"]["data_since"]  # ...and only its store
        catalog_log = (ROOT / ".run" / "logs" / "catalog.log").read_text()
        assert "observed providers rebuilt from 1 published dataset(s) of ingest" in catalog_log

        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=40) == 0
    finally:
        if launcher.poll() is None:
            launcher.kill()


def test_killing_the_launcher_leaves_no_service_behind(launcher_env, tmp_path):
    launcher, output = _launch(launcher_env, tmp_path)
    try:
        wait_for(lambda: "press Ctrl-C" in output(), timeout=120, interval=0.5, what="the platform to start")
        pids = list(_service_pids(output()).values())
        assert len(pids) == 4 and all(alive(p) for p in pids)
        launcher.kill()  # SIGKILL: the launcher cannot clean up after itself
        launcher.wait()
        wait_for(lambda: not [p for p in pids if alive(p)], timeout=40, interval=0.5,
                 what="every service to stop after the launcher died")
    finally:
        if launcher.poll() is None:
            launcher.kill()


@pytest.mark.needs_mongodb_server
def test_kill_9_of_ingest_mid_import_with_mongodb_loses_no_dataset(launcher_env, tmp_path):
    launcher_env["MONGODB_URI"] = os.environ["MONGODB_URI"]
    launcher, output = _launch(launcher_env, tmp_path)
    try:
        base, auth = _ready(launcher_env, output, timeout=120)
        data = (ROOT / "data" / "rpw" / "rpw_provider_quotes_2011q1_2014q1.csv").read_bytes()
        earlier = requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, headers=auth,
                                data=data, timeout=60).json()["id"]
        wait_for(lambda: requests.get(f"{base}/api/v1/datasets/{earlier}", headers=auth, timeout=5).json()
                 .get("status") in ("completed", "needs_review"), timeout=120, what="the first import")
        interrupted = requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, headers=auth,
                                    data=data.decode("utf-8").encode("utf-16"), timeout=60).json()["id"]
        wait_for(lambda: requests.get(f"{base}/api/v1/datasets/{interrupted}", headers=auth, timeout=5).json()
                 .get("status") == "processing", timeout=30, interval=0.05, what="the import to start")
        os.kill(_service_pids(output())["ingest"], signal.SIGKILL)
        wait_for(lambda: len(re.findall(r"started ingest", output())) == 2, timeout=60, what="ingest to restart")
        assert requests.get(f"{base}/api/v1/datasets/{earlier}", headers=auth, timeout=5).status_code == 200
        settled = wait_for(lambda: requests.get(f"{base}/api/v1/datasets/{interrupted}", headers=auth, timeout=5)
                           .json().get("status") in ("completed", "failed"), timeout=300, what="the interrupted one")
        assert settled
    finally:
        launcher.send_signal(signal.SIGINT)
        launcher.wait(timeout=40)
