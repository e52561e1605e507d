"""The platform's one clock and one timestamp format.

Every stored and published time is an aware UTC datetime; every answer and
event writes it as ISO 8601, and every ``asOf`` is read back by ``instant``. Tests pass ``now=`` where time matters instead of
patching this module.
"""
import datetime as dt


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


def iso(value):
    """ISO 8601 for a date or datetime; anything else (None, a string already) unchanged."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def instant(text):
    """An ISO 8601 timestamp with a timezone (or Z) as an aware UTC datetime; ValueError saying why not."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("asOf is an ISO 8601 timestamp with a timezone, like 2026-12-02T13:55:01Z")
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 timestamp: {text[:40]!r}") from None
    if value.tzinfo is None:
        raise ValueError("asOf needs a timezone (Z or +hh:mm): a time without one is ambiguous")
    return value.astimezone(dt.timezone.utc)
