"""The platform's one clock and one timestamp format.

Every stored and published time is an aware UTC datetime; every answer and
event writes it as ISO 8601. Tests pass ``now=`` where time matters instead of
patching this module.
"""
import datetime as dt


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


def iso(value):
    """ISO 8601 for a date or datetime; anything else (None, a string already) unchanged."""
    return value.isoformat() if hasattr(value, "isoformat") else value
