"""The parent side of parsing: run ``parse_worker`` in a child process and
stream its rows back, cooperatively (eventlet), killing it past the wall-time
limit. The service's event loop stays free for reads and health checks."""
import json
import logging
import sys

import eventlet
from eventlet.green import subprocess

from services.ingest.exceptions import UnreadableFile
from services.ingest.limits import limit_exceeded
from services.ingest.parse_worker import read_message

log = logging.getLogger(__name__)


def run_parser(kind, path, limits, year=None, filename=None):
    """Yield the file's ParsedRows; raise UnreadableFile (or LimitExceeded)
    with the child's reason when it cannot be read."""
    job = json.dumps({"kind": kind, "path": str(path), "year": year, "filename": filename,
                      "limits": limits.as_dict()})
    child = subprocess.Popen([sys.executable, "-m", "services.ingest.parse_worker", job],
                             stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    timed_out = []

    def kill():
        timed_out.append(True)
        child.kill()

    killer = eventlet.spawn_after(limits.max_seconds, kill)
    try:
        while True:
            try:
                message = read_message(child.stdout)
            except EOFError:
                if timed_out:
                    raise limit_exceeded("max_seconds", limits.max_seconds,
                                        what="parsing took longer than allowed") from None
                code = child.wait()
                raise UnreadableFile(f"the parser stopped without an answer (exit code {code})") from None
            if message[0] == "rows":
                yield from message[1]
            elif message[0] == "done":
                return
            else:
                raise UnreadableFile(message[1], message[2])
    finally:
        killer.cancel()
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.wait()
