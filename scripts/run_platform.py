"""``make run``: start the whole Observatory locally and serve it on :8000.

Starts ingest, catalog, notify and the gateway as separate ``nameko run``
processes, waits for ``GET /health`` = 200, prints the URL (and the operator
token when it made one), and on Ctrl-C stops every process it started.
"""
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import bundled_data  # noqa: E402  (sibling scripts, stdlib only)
import rabbitmq  # noqa: E402

SERVICES = {
    "ingest": "services.ingest.service:IngestService",
    "catalog": "services.catalog.service:CatalogService",
    "notify": "services.notify.service:NotifyService",
    "gateway": "gateway.service:GatewayService",
}
START_SECONDS = 90
STOP_SECONDS = 20


def say(*args):
    print("[observatory]", *args, flush=True)


def refuse_if_port_taken(port):
    """eventlet listens with SO_REUSEPORT, so a stale gateway would silently
    share the port and answer half the requests: refuse instead."""
    if rabbitmq.port_answers("127.0.0.1", port, timeout=0.5):
        sys.exit(f"port {port} is already in use (a gateway still running from an earlier 'make run'?).\n"
                 f"Stop it (e.g. `pkill -f 'nameko run'`) or choose another port with OBSERVATORY_PORT.")
    probe = socket.socket()
    # SO_REUSEADDR ignores TIME_WAIT leftovers but not a live listener
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind(("0.0.0.0", port))
    except OSError as exc:
        sys.exit(f"port {port} cannot be bound ({exc}); choose another with OBSERVATORY_PORT.")
    finally:
        probe.close()


def health(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=3) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


class Platform:
    def __init__(self, env, log_dir):
        self.env = env
        self.log_dir = log_dir
        self.processes = {}

    def start(self):
        nameko = str(Path(sys.executable).with_name("nameko"))
        for name, target in SERVICES.items():
            log = open(self.log_dir / f"{name}.log", "w")
            # own session: Ctrl-C in the terminal reaches only us; we stop them in order
            self.processes[name] = subprocess.Popen(
                [nameko, "run", "--config", str(ROOT / "config.yaml"), target],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            say(f"started {name:8} pid {self.processes[name].pid:>7}  log {log.name}")

    def dead(self):
        return [name for name, p in self.processes.items() if p.poll() is not None]

    def stop(self):
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)  # nameko stops gracefully on SIGTERM
        deadline = time.monotonic() + STOP_SECONDS
        for name, process in self.processes.items():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop in {STOP_SECONDS} s; killing it")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        say("all services stopped")


def main():
    port = int(os.environ.get("OBSERVATORY_PORT", "8000"))
    rabbitmq.ensure(management=True)
    refuse_if_port_taken(port)

    env = dict(os.environ, OBSERVATORY_PORT=str(port), PYTHONUNBUFFERED="1")
    made_token = not env.get("OBSERVATORY_ADMIN_TOKEN")
    if made_token:
        env["OBSERVATORY_ADMIN_TOKEN"] = "obs_" + secrets.token_urlsafe(32)
    if not env.get("MONGODB_URI"):
        say("WARNING: MONGODB_URI is not set: every service keeps its data in memory (mongomock).")
        say("WARNING: nothing is kept when the platform stops. Set MONGODB_URI for real use.")
    log_dir = ROOT / ".run" / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)

    platform = Platform(env, log_dir)
    stopping = []
    # Ctrl-C (SIGINT) and SIGTERM both mean "stop everything"; set explicitly
    # because a shell starts background jobs with SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.append(True))
    try:
        platform.start()
        deadline = time.monotonic() + START_SECONDS
        while health(port) != 200:
            if stopping:
                return 0
            if platform.dead() or time.monotonic() > deadline:
                say(f"the platform did not become healthy (stopped: {platform.dead() or 'none'}); "
                    f"see the logs in {log_dir}")
                return 1
            time.sleep(0.5)
        say(f"healthy: http://127.0.0.1:{port}/health")
        if env.get("OBSERVATORY_LOAD_BUNDLED_DATA", "1") != "0":
            bundled_data.load_all(f"http://127.0.0.1:{port}", env["OBSERVATORY_ADMIN_TOKEN"], say)
        say(f"serving on http://127.0.0.1:{port}  (API under /api/v1)")
        if made_token:
            say(f"operator token (shown once; set OBSERVATORY_ADMIN_TOKEN to choose your own):\n\n    "
                f"{env['OBSERVATORY_ADMIN_TOKEN']}\n")
        say("press Ctrl-C to stop")
        while not stopping:
            if platform.dead():
                say(f"{', '.join(platform.dead())} stopped unexpectedly; stopping the rest (see {log_dir})")
                return 1
            time.sleep(0.5)
        return 0
    finally:
        say("stopping...")
        platform.stop()


if __name__ == "__main__":
    sys.exit(main())
