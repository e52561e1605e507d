"""``make run``'s launcher as a newcomer uses it: real processes, real broker."""
import os
import re
import signal
import socket
import subprocess
import sys

import pytest
import requests

from tests.conftest import ROOT, wait_for

pytestmark = pytest.mark.broker


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        def healthy():
            try:
                return requests.get(f"http://127.0.0.1:{port}/health", timeout=3).status_code == 200
            except requests.RequestException:
                return False

        wait_for(healthy, timeout=90, interval=0.5, what="make run to serve /health = 200")
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
        assert 5 < figures["global_average_pct"] < 15 and figures["weight_year"] == 2014
        profile = requests.get(f"http://127.0.0.1:{port}/api/v1/countries/NPL").json()
        assert profile["series"]["knomad_inflows_usd_m"]["values"]["2022"] > 9000
        assert profile["top_sending_countries"]["items"]

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
