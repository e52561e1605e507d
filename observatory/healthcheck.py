"""Container healthchecks (docker-compose): exit 0 when healthy, 1 otherwise.

    python -m observatory.healthcheck rpc ingest     # the service answers ping
    python -m observatory.healthcheck http http://127.0.0.1:8000/health  # answers at all
"""
import os
import sys
import urllib.error
import urllib.request

DEADLINE_SECONDS = 5


def rpc_ping(service):
    from nameko.standalone.rpc import ServiceRpcProxy

    config = {"AMQP_URI": os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672//")}
    with ServiceRpcProxy(service, config, timeout=DEADLINE_SECONDS) as proxy:
        return proxy.ping()["status"] == "ok"


def http_answers(url):
    """The gateway process is healthy when it answers; 503 means a service
    behind it is down, which that service's own healthcheck reports."""
    try:
        with urllib.request.urlopen(url, timeout=DEADLINE_SECONDS):
            return True
    except urllib.error.HTTPError as exc:
        return exc.code == 503
    except OSError:
        return False


def main(argv):
    if len(argv) != 3 or argv[1] not in ("rpc", "http"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        healthy = rpc_ping(argv[2]) if argv[1] == "rpc" else http_answers(argv[2])
    except Exception as exc:  # any failure is "unhealthy", said briefly
        print(f"unhealthy: {type(exc).__name__}: {exc}", file=sys.stderr)
        healthy = False
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
