"""Make sure the local RabbitMQ answers (stdlib only: runs before the venv).

    python3 scripts/rabbitmq.py ensure [--management]

Starts it with ``rabbitmq-server -detached`` when it is installed and down,
enables the management plugin (tests create a vhost per test through it) and
waits until both answer. Exits 1 with a clear message when it cannot.
"""
import argparse
import base64
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

MANAGEMENT_PORT = 15672


def broker_addresses(amqp_uri=None):
    """(host, port) of each broker ``AMQP_URI`` names (';' separates the nodes of a cluster)."""
    uris = (amqp_uri or os.environ.get("AMQP_URI") or "pyamqp://guest:guest@127.0.0.1:5672//").split(";")
    return [((p.hostname or "127.0.0.1"), p.port or 5672) for p in map(urllib.parse.urlparse, uris) if p.scheme]


def port_answers(host, port, timeout=1.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def management_answers(host="127.0.0.1", user="guest", password="guest"):
    request = urllib.request.Request(f"http://{host}:{MANAGEMENT_PORT}/api/overview")
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    sys.exit(f"RabbitMQ: {what} did not answer within {seconds} s (see /var/log/rabbitmq/)")


def ensure(management=False, quiet=False):
    say = (lambda *a: None) if quiet else (lambda *a: print("[rabbitmq]", *a, flush=True))
    addresses = broker_addresses()
    if len(addresses) > 1:  # a cluster: started by `make cluster-up` (or elsewhere), never here
        answering = [f"{h}:{p}" for h, p in addresses if port_answers(h, p)]
        if not answering:
            sys.exit("none of the brokers AMQP_URI names answers; for the local cluster run `make cluster-up`")
        say(f"cluster: {len(answering)} of {len(addresses)} nodes answer ({', '.join(answering)})")
        return
    host, port = addresses[0]
    local = host in ("127.0.0.1", "localhost", "::1")
    if not port_answers(host, port):
        if not local:
            sys.exit(f"RabbitMQ at {host}:{port} does not answer (AMQP_URI); start it there first.")
        if not shutil.which("rabbitmq-server"):
            sys.exit("RabbitMQ is not installed and not running on 127.0.0.1:5672.\n"
                     "Install it (Debian: apt-get install rabbitmq-server) or point AMQP_URI at a broker.")
        say("not running; starting it with 'rabbitmq-server -detached'")
        subprocess.run(["rabbitmq-server", "-detached"], check=False)
        _wait(lambda: port_answers(host, port), 90, f"the AMQP port {port}")
        if shutil.which("rabbitmqctl"):
            subprocess.run(["rabbitmqctl", "await_startup"], check=False, capture_output=True, timeout=90)
    if management and local and not management_answers(host):
        say("enabling the management plugin (port 15672)")
        subprocess.run(["rabbitmq-plugins", "enable", "rabbitmq_management"], check=False, capture_output=True)
        _wait(lambda: management_answers(host), 60, "the management API")
    say(f"answering on {host}:{port}" + (" (management on 15672)" if management else ""))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="make sure RabbitMQ answers")
    parser.add_argument("command", choices=["ensure"])
    parser.add_argument("--management", action="store_true", help="also enable and wait for the management API")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    ensure(args.management, args.quiet)
