"""RPC between services, always with a deadline (DESIGN §6).

``DeadlineRpcProxy('ingest')`` is a drop-in for nameko's ``RpcProxy``:
``self.ingest.ping()`` either answers within the deadline or raises
``ServiceUnavailable`` (which the gateway maps to 503). The request message
also expires after the deadline, so a stopped service that comes back does not
run work whose caller gave up long ago.
"""
import time

import amqp.exceptions
import eventlet
import kombu.exceptions
from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy, ServiceProxy

from observatory.errors import ServiceUnavailable
from observatory.replicated import FailoverReplyListener

DEFAULT_DEADLINE_SECONDS = 2.0  # config RPC_DEADLINE_SECONDS, read at container setup


# What the AMQP client raises while the broker is down or restarting.
BROKER_ERRORS = (OSError, kombu.exceptions.OperationalError, amqp.exceptions.ConnectionError,
                 amqp.exceptions.ChannelError)


def _broker_unreachable(service, method, exc):
    return ServiceUnavailable(f"the message broker is unreachable, so {service} cannot be asked ({type(exc).__name__})",
                              details={"service": service, "method": method, "reason": "broker unreachable"})


def wait_for_reply(reply, service, method, deadline, left=None):
    """Wait for a nameko ``RpcReply``: at most ``left`` seconds (what remains
    of ``deadline``, all of it by default)."""
    try:
        with eventlet.Timeout(deadline if left is None else left):
            return reply.result()
    except BROKER_ERRORS as exc:
        raise _broker_unreachable(service, method, exc) from None
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
        except BROKER_ERRORS as exc:
            raise _broker_unreachable(self._service, self._method, exc) from None

    def __call__(self, *args, **kwargs):
        started = time.monotonic()
        try:
            with eventlet.Timeout(self._deadline):  # publishing retries while the broker is down: bound it too
                reply = self.call_async(*args, **kwargs)
        except eventlet.Timeout:
            raise _broker_unreachable(self._service, self._method, TimeoutError("publish")) from None
        left = max(0.001, self._deadline - (time.monotonic() - started))
        return wait_for_reply(reply, self._service, self._method, self._deadline, left)


class _DeadlineServiceProxy:
    def __init__(self, service_proxy, service, deadline):
        self._service_proxy = service_proxy
        self._service = service
        self.deadline = deadline

    def __getattr__(self, method):
        return _DeadlineMethod(getattr(self._service_proxy, method), self._service, method, self.deadline)

    def with_deadline(self, seconds):
        """The same proxy with another deadline, for calls known to take longer
        (uploading a chunk of a large file): the request message expires
        after that deadline too, not after the default one."""
        proxy = self._service_proxy
        longer = ServiceProxy(proxy.worker_ctx, proxy.service_name, proxy.reply_listener,
                              **dict(proxy.options, expiration=seconds))
        return _DeadlineServiceProxy(longer, self._service, seconds)


class DeadlineRpcProxy(RpcProxy):
    """``deadline`` given here, or ``RPC_DEADLINE_SECONDS`` from the service
    config (read at container setup), or 2 s. Its replies come back on a
    queue that survives the loss of a broker node (``FailoverReplyListener``)."""

    rpc_reply_listener = FailoverReplyListener()

    def __init__(self, target_service, deadline=None, **options):
        super().__init__(target_service, **options)
        self.fixed_deadline = deadline
        self.deadline = DEFAULT_DEADLINE_SECONDS if deadline is None else deadline

    def setup(self):
        super().setup()
        if self.fixed_deadline is None:
            self.deadline = float(self.container.config.get("RPC_DEADLINE_SECONDS") or DEFAULT_DEADLINE_SECONDS)
        self.options.setdefault("expiration", self.deadline)

    def get_dependency(self, worker_ctx):
        return _DeadlineServiceProxy(super().get_dependency(worker_ctx), self.target_service, self.deadline)
