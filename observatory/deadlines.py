"""RPC between services, always with a deadline (DESIGN §6).

``DeadlineRpcProxy('ingest')`` is a drop-in for nameko's ``RpcProxy``:
``self.ingest.ping()`` either answers within the deadline or raises
``ServiceUnavailable`` (which the gateway maps to 503). The request message
also expires after the deadline, so a stopped service that comes back does not
run work whose caller gave up long ago.
"""
import os

import eventlet
from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy

from observatory.errors import ServiceUnavailable

DEFAULT_DEADLINE_SECONDS = float(os.environ.get("RPC_DEADLINE_SECONDS", "2"))


def wait_for_reply(reply, service, method, deadline):
    """Wait for a nameko ``RpcReply`` at most ``deadline`` seconds."""
    try:
        with eventlet.Timeout(deadline):
            return reply.result()
    except eventlet.Timeout:
        raise ServiceUnavailable(
            f"{service} did not answer {method} within {deadline:g} s",
            details={"service": service, "method": method, "deadline_seconds": deadline},
        ) from None


class _DeadlineMethod:
    def __init__(self, method_proxy, service, method, deadline):
        self._method_proxy = method_proxy
        self._service = service
        self._method = method
        self._deadline = deadline

    def call_async(self, *args, **kwargs):
        try:
            return self._method_proxy.call_async(*args, **kwargs)
        except UnknownService:
            raise ServiceUnavailable(
                f"{self._service} is not running", details={"service": self._service, "method": self._method}
            ) from None

    def __call__(self, *args, **kwargs):
        reply = self.call_async(*args, **kwargs)
        return wait_for_reply(reply, self._service, self._method, self._deadline)


class _DeadlineServiceProxy:
    def __init__(self, service_proxy, service, deadline):
        self._service_proxy = service_proxy
        self._service = service
        self.deadline = deadline

    def __getattr__(self, method):
        return _DeadlineMethod(getattr(self._service_proxy, method), self._service, method, self.deadline)

    def with_deadline(self, seconds):
        """The same proxy with another deadline, for calls known to take longer
        (uploading a chunk of a large file)."""
        return _DeadlineServiceProxy(self._service_proxy, self._service, seconds)


class DeadlineRpcProxy(RpcProxy):
    def __init__(self, target_service, deadline=None, **options):
        deadline = DEFAULT_DEADLINE_SECONDS if deadline is None else deadline
        options.setdefault("expiration", deadline)
        super().__init__(target_service, **options)
        self.deadline = deadline

    def get_dependency(self, worker_ctx):
        return _DeadlineServiceProxy(super().get_dependency(worker_ctx), self.target_service, self.deadline)
