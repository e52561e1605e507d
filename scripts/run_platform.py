"""``make run``: start the whole Observatory locally and serve it on :8000.

Starts ingest, catalog, notify and the gateway as separate ``nameko run``
processes under supervisord (``supervision.py``), waits for ``GET /health`` =
200, prints the URL (and the operator token when it made one), then watches:
a service that dies is restarted by supervisord while the others keep
serving, and when ingest restarts on the in-process store (its data gone) the
bundled data is loaded again. Ctrl-C stops every process; one that ignores the
stop signal is killed after its grace period; and if this launcher is killed,
supervisord is told to stop everything (no orphans).
"""
import os
import secrets
import socket
import sys
import signal
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import bundled_data  # noqa: E402  (sibling scripts)
import rabbitmq  # noqa: E402
from supervision import SERVICES, Platform, parse_scale  # noqa: E402,F401  (SERVICES: for callers)

START_SECONDS = 90


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


class Watcher:
    """Says what supervisord does: each service's pid, and every restart."""

    def __init__(self, platform):
        self.platform = platform
        self.pids = {}  # the last pid seen running
        self.down = set()  # said to be down, not yet back

    def look(self):
        """Returns the names of the services that came back with a new pid."""
        restarted = []
        for name, state in self.platform.states().items():
            pid = state["pid"] if state["state"] in ("STARTING", "RUNNING") else 0
            known = self.pids.get(name)
            if not pid and known and name not in self.down:
                say(f"{name} (pid {known}) stopped unexpectedly ({state['state'].lower()}: {state['description']}); "
                    f"supervisord restarts it (see {self.platform.log_dir / 'supervisord.log'})")
                self.down.add(name)
            if pid and pid != known:
                if known:
                    if name not in self.down:
                        say(f"{name} (pid {known}) stopped unexpectedly; supervisord restarted it")
                    restarted.append(name)
                self.down.discard(name)
                self.pids[name] = pid
                say(f"started {name:8} pid {pid:>7}  log {self.platform.log_dir / (name + '.log')}")
        return restarted


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


def scale_from_environment(env):
    """``SCALE`` ("notify=2 ingest=2"). With the in-process store each
    process would hold a store of its own: only the gateway (which keeps
    nothing but credentials, and reads from the others) may then be several."""
    try:
        scale = parse_scale(env.get("SCALE"))
    except ValueError as exc:
        sys.exit(str(exc))
    several = sorted(n for n, c in scale.items() if c > 1 and n != "gateway")
    if several and not env.get("MONGODB_URI"):
        sys.exit(f"SCALE: {', '.join(several)} cannot have more than one instance on the in-process store "
                 "(each process would keep a store of its own); set MONGODB_URI, or scale only the gateway")
    if scale.get("gateway", 1) > 1 and not env.get("MONGODB_URI"):
        say(f"{scale['gateway']} gateways share port {env['OBSERVATORY_PORT']} (SO_REUSEPORT); credentials "
            "minted through one are known only to it on the in-process store")
    return scale


def main():
    port = int(os.environ.get("OBSERVATORY_PORT", "8000"))
    rabbitmq.ensure(management=True)
    refuse_if_port_taken(port)

    env = dict(os.environ, OBSERVATORY_PORT=str(port), PYTHONUNBUFFERED="1")
    env.setdefault("GATEWAY_URL", f"http://127.0.0.1:{port}")  # notify's scheduled exports fetch from it
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

    platform = Platform(env, log_dir, scale=scale_from_environment(env))
    watcher = Watcher(platform)
    stopping = []
    # Ctrl-C (SIGINT) and SIGTERM both mean "stop everything"; set explicitly
    # because a shell starts background jobs with SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.append(True))
    try:
        platform.start()
        deadline = time.monotonic() + START_SECONDS
        while health(port) != 200:
            watcher.look()
            if stopping:
                return 0
            if time.monotonic() > deadline:
                say(f"the platform did not become healthy within {START_SECONDS} s; see the logs in {log_dir}")
                return 1
            time.sleep(0.5)
        watcher.look()
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
            if "ingest" in watcher.look() and load_bundled:
                reload_bundled_data(port, env["OBSERVATORY_ADMIN_TOKEN"], not env.get("MONGODB_URI"))
            time.sleep(0.5)
        return 0
    finally:
        say("stopping...")
        platform.stop()
        say("all services stopped")


if __name__ == "__main__":
    sys.exit(main())
