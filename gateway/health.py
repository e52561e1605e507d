"""``GET /health``: ping every service at once, each within its deadline."""
import eventlet

from observatory.errors import ObservatoryError

STORE_FIELDS = ("store", "durable", "data_since", "started_at")


def check_services(proxies):
    """``proxies`` maps a service name to a DeadlineRpcProxy. Returns
    ``(all_ok, {name: status})``; the whole check takes at most one deadline."""

    def ping(item):
        name, proxy = item
        try:
            answer = proxy.ping()
            return name, {"status": "ok", **{k: answer[k] for k in STORE_FIELDS if k in answer}}
        except ObservatoryError as exc:
            return name, {"status": "unavailable", "reason": exc.message}
        except Exception as exc:  # a broken service is not a healthy one
            return name, {"status": "error", "reason": f"{type(exc).__name__}: {exc}"}

    pool = eventlet.GreenPool(len(proxies) or 1)
    statuses = dict(pool.imap(ping, proxies.items()))
    return all(s["status"] == "ok" for s in statuses.values()), statuses
