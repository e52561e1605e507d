"""The platform as `make run` starts it (supervisord, separate processes, the
real broker, in-process stores), for a benchmark: started on a free port,
waited for, stopped at the end."""
import contextlib
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from run_platform import health  # noqa: E402
from supervision import Platform  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_platform(token, name, **environment):
    """Yield the base URL of a started platform; ``environment`` overrides the services' environment."""
    with started_platform(token, name, **environment) as (url, _):
        yield url


@contextlib.contextmanager
def started_platform(token, name, **environment):
    """Yield (base URL, the supervised ``Platform``: its ``pids()``) of a started platform."""
    port = free_port()
    env = dict(os.environ, OBSERVATORY_PORT=str(port), OBSERVATORY_ADMIN_TOKEN=token, LOG_LEVEL="WARNING",
               **environment)
    env.pop("MONGODB_URI", None)
    platform = Platform(env, Path(tempfile.mkdtemp(prefix=f"{name}-logs-")))
    platform.start()
    try:
        deadline = time.monotonic() + 90
        while health(port) != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("the platform did not start")
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}", platform
    finally:
        platform.stop()
