"""``make run``: start the whole Observatory locally and serve it on :8000.

Starts ingest, catalog, notify and the gateway as separate ``nameko run``
processes, waits for ``GET /health`` = 200, prints the URL (and the operator
token when it made one), and supervises them: a service that dies is
restarted with backoff (and, with the in-process store, the bundled data is
loaded again); the others keep serving. Ctrl-C stops every process; one that
ignores the stop signal is killed after its grace period; and the services
are told to stop if this launcher itself is killed (no orphans).
"""
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
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
RESTART_BACKOFF_SECONDS = (1, 2, 4, 8, 16, 30)
STABLE_SECONDS = 60  # a service up this long has its backoff reset
PR_SET_PDEATHSIG = 1


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


def _stop_when_the_launcher_dies():
    """Runs in the child before exec: the kernel sends it SIGTERM when the
    launcher dies, even by SIGKILL (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class Platform:
    def __init__(self, env, log_dir):
        self.env = env
        self.log_dir = log_dir
        self.processes = {}
        self.restarts = {name: 0 for name in SERVICES}
        self.started_at = {}
        self.pending = {}  # name -> monotonic time of its next restart

    def start(self):
        for name in SERVICES:
            self.start_one(name)

    def start_one(self, name):
        nameko = str(Path(sys.executable).with_name("nameko"))
        log = open(self.log_dir / f"{name}.log", "a")
        env = dict(self.env, OBSERVATORY_RESTARTS=str(self.restarts[name]))
        # own session: Ctrl-C in the terminal reaches only us, and we stop them in order
        self.processes[name] = subprocess.Popen(
            [nameko, "run", "--config", str(ROOT / "config.yaml"), SERVICES[name]],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_stop_when_the_launcher_dies)
        self.started_at[name] = time.monotonic()
        say(f"started {name:8} pid {self.processes[name].pid:>7}  log {log.name}")

    def dead(self):
        return [name for name, p in self.processes.items() if p.poll() is not None]

    def supervise(self):
        """Schedule a restart for each service that died; start the ones due.
        Returns the names restarted now."""
        now, restarted = time.monotonic(), []
        for name in self.dead():
            if name in self.pending:
                continue
            process = self.processes[name]
            if now - self.started_at[name] > STABLE_SECONDS:
                self.restarts[name] = 0
            delay = RESTART_BACKOFF_SECONDS[min(self.restarts[name], len(RESTART_BACKOFF_SECONDS) - 1)]
            how = f"signal {-process.returncode}" if process.returncode < 0 else f"exit code {process.returncode}"
            say(f"{name} (pid {process.pid}) stopped unexpectedly ({how}); restarting in {delay} s "
                f"(see {self.log_dir / (name + '.log')})")
            self.pending[name] = now + delay
        for name, due in list(self.pending.items()):
            if due <= now:
                del self.pending[name]
                self.restarts[name] += 1
                self.start_one(name)
                restarted.append(name)
        return restarted

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


def reload_bundled_data(port, token, in_process):
    """After ingest restarts on the in-process store, everything it held is
    gone: load the bundled data again, in the background."""
    if not in_process:
        return
    def load():
        deadline = time.monotonic() + START_SECONDS
        while health(port) != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        say("ingest restarted on the in-process store: its data was lost; loading the bundled data again")
        try:
            bundled_data.load_all(f"http://127.0.0.1:{port}", token, say)
            say("bundled data loaded again")
        except Exception as exc:  # keep supervising; the operator can load by hand
            say(f"reloading the bundled data failed: {exc}")
    threading.Thread(target=load, name="reload-bundled-data", daemon=True).start()


def main():
    port = int(os.environ.get("OBSERVATORY_PORT", "8000"))
    rabbitmq.ensure(management=True)
    refuse_if_port_taken(port)

    env = dict(os.environ, OBSERVATORY_PORT=str(port), PYTHONUNBUFFERED="1")
    made_token = not env.get("OBSERVATORY_ADMIN_TOKEN")
    if made_token:
        env["OBSERVATORY_ADMIN_TOKEN"] = "obs_" + secrets.token_urlsafe(32)
    if not env.get("MONGODB_URI") and rabbitmq.port_answers("127.0.0.1", 27017, timeout=0.5):
        env["MONGODB_URI"] = "mongodb://127.0.0.1:27017"
        say("using the MongoDB answering on 127.0.0.1:27017 (set MONGODB_URI to choose another)")
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
        load_bundled = env.get("OBSERVATORY_LOAD_BUNDLED_DATA", "1") != "0"
        while not stopping:
            if "ingest" in platform.supervise() and load_bundled:
                reload_bundled_data(port, env["OBSERVATORY_ADMIN_TOKEN"], not env.get("MONGODB_URI"))
            time.sleep(0.5)
        return 0
    finally:
        say("stopping...")
        platform.stop()


if __name__ == "__main__":
    sys.exit(main())
