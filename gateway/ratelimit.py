"""Per-token and per-IP rate limits (``limits``, moving window, in the
gateway process's memory: each gateway instance counts for itself).

A request with a valid token counts against that token's limit; anything
else (no token, or a bad one: so guessing tokens is limited too) against its
IP address. Over the limit: 429 with ``Retry-After``.
"""
import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from nameko.extensions import DependencyProvider

from gateway.exceptions import TooManyRequests

OFF = ("", "0", "off", "none", "false")


def _limit(value):
    return None if value is None or str(value).strip().lower() in OFF else parse(str(value))


class RateLimits:
    def __init__(self, anonymous=None, per_token=None):
        self.anonymous, self.per_token = _limit(anonymous), _limit(per_token)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def check(self, request, principal):
        if principal is not None:
            limit, key = self.per_token, ("token", principal.credential_id or "operator-token")
        else:
            limit, key = self.anonymous, ("ip", request.remote_addr or "unknown")
        if limit is None or self.limiter.hit(limit, *key):
            return
        reset_at, _ = self.limiter.get_window_stats(limit, *key)
        retry_after = max(1, math.ceil(reset_at - time.time()))
        raise TooManyRequests(f"too many requests: the limit is {limit} per {key[0]}; try again in {retry_after} s",
                              {"limit": str(limit), "per": key[0], "retry_after_seconds": retry_after})


class RateLimiter(DependencyProvider):
    """``RATE_LIMIT_ANONYMOUS`` (per IP) and ``RATE_LIMIT_TOKEN`` (per token),
    like "300/minute"; unset or "off": no limit."""

    def setup(self):
        config = self.container.config
        self.limits = RateLimits(config.get("RATE_LIMIT_ANONYMOUS"), config.get("RATE_LIMIT_TOKEN"))

    def get_dependency(self, worker_ctx):
        return self.limits
