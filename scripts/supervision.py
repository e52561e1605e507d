"""The services of ``make run`` under supervisord (the maintained process
supervisor): it restarts a service that dies (immediately, with growing
backoff while it keeps failing to start), stops each with SIGTERM and kills it
after its grace period, and logs all of it. This module writes its config,
starts it, and reads process states through its XML-RPC interface.
"""
import hashlib
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from pathlib import Path

from supervisor.xmlrpc import SupervisorTransport

from observatory.processes import die_with_parent

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {
    "ingest": "services.ingest.service:IngestService",
    "catalog": "services.catalog.service:CatalogService",
    "notify": "services.notify.service:NotifyService",
    "gateway": "gateway.service:GatewayService",
}
STOP_SECONDS = 20  # each service's grace period after SIGTERM
START_RETRIES = 20  # supervisord waits 1, 2, 3, ... s between failed starts



def parse_scale(text, known=SERVICES):
    """``"notify=2 ingest=2"`` → {"notify": 2, "ingest": 2}; ValueError on anything else."""
    counts = {}
    for item in (text or "").replace(",", " ").split():
        name, _, count = item.partition("=")
        if name not in known or not count.isdigit() or not 1 <= int(count) <= 16:
            raise ValueError(f"SCALE takes service=count (1-16) for {', '.join(known)}; not {item!r}")
        counts[name] = int(count)
    return counts


def _program(name, target, log_dir, count=1):
    nameko = Path(sys.executable).with_name("nameko")
    # several processes of one service: supervisord's numprocs (the gateways share the port: SO_REUSEPORT)
    several = f"numprocs={count}\nprocess_name=%(program_name)s-%(process_num)d\n" if count > 1 else ""
    return f"""
[program:{name}]
{several}command={nameko} run --config {ROOT / "config.yaml"} {target}
directory={ROOT}
autostart=true
autorestart=true
startsecs=3
startretries={START_RETRIES}
stopsignal=TERM
stopwaitsecs={STOP_SECONDS}
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile={log_dir / (name + ("-%(process_num)d" if count > 1 else "") + ".log")}
stdout_logfile_maxbytes=50MB
stdout_logfile_backups=2
"""


class Platform:
    """The four services under one supervisord (``scale``: processes per service)."""

    def __init__(self, env, log_dir, services=SERVICES, scale=None):
        self.env = env
        self.log_dir = Path(log_dir)
        self.services = services
        self.scale = dict(scale or {})
        tag = hashlib.sha1(f"{ROOT}:{env.get('OBSERVATORY_PORT')}".encode()).hexdigest()[:10]
        # a unix socket path is limited to 108 bytes: keep it short, wherever the clone lives
        self.socket = Path(tempfile.gettempdir()) / f"observatory-{tag}.sock"
        self.config = self.log_dir.parent / "supervisord.conf"
        self.supervisord = None

    def _write_config(self):
        self.config.write_text(f"""; written by scripts/supervision.py for one `make run`
[supervisord]
nodaemon=true
logfile={self.log_dir / "supervisord.log"}
pidfile={self.log_dir.parent / "supervisord.pid"}
childlogdir={self.log_dir}

[unix_http_server]
file={self.socket}
chmod=0700

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
""" + "".join(_program(name, target, self.log_dir, self.scale.get(name, 1))
             for name, target in self.services.items()))

    def start(self):
        self._write_config()
        self.supervisord = subprocess.Popen(
            [str(Path(sys.executable).with_name("supervisord")), "-c", str(self.config)], cwd=ROOT, env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,  # Ctrl-C reaches us only
            preexec_fn=die_with_parent)  # the launcher killed: supervisord stops every service
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.supervisord.poll() is not None:
                raise RuntimeError(f"supervisord stopped at start; see {self.log_dir / 'supervisord.log'}")
            try:
                return self.states()
            except (OSError, http.client.HTTPException, xmlrpc.client.Fault):
                time.sleep(0.2)
        raise RuntimeError("supervisord did not answer within 30 s")

    def rpc(self):
        """A fresh proxy each time: its transport keeps a broken connection after a failed call."""
        transport = SupervisorTransport(None, None, f"unix://{self.socket}")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)

    def states(self):
        """{name: {"state", "pid", "exitstatus", "description"}} from supervisord."""
        return {p["name"]: {"state": p["statename"], "pid": p["pid"], "exitstatus": p["exitstatus"],
                            "description": p["description"]} for p in self.rpc().supervisor.getAllProcessInfo()}

    def pids(self):
        return {name: s["pid"] for name, s in self.states().items() if s["pid"]}

    def stop(self):
        """SIGTERM to supervisord: it stops every service, killing any that
        outlives its grace period, then exits."""
        if self.supervisord is None or self.supervisord.poll() is not None:
            return
        self.supervisord.send_signal(signal.SIGTERM)
        try:
            self.supervisord.wait(STOP_SECONDS * len(self.services) + 10)  # supervisord stops them in parallel
        except subprocess.TimeoutExpired:
            os.killpg(self.supervisord.pid, signal.SIGKILL)
            self.supervisord.wait()
