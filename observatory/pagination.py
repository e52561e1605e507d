"""Opaque cursors for ``{"items": [...], "next_cursor": ...}`` lists."""
import base64
import json

from observatory.errors import InvalidInput


def encode_cursor(position):
    """A cursor for ``position`` (a small JSON-able dict)."""
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor, *required):
    """The position a cursor stands for; 400 when it is not one of ours."""
    if not cursor:
        return {}
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        position = None
    if not isinstance(position, dict) or any(name not in position for name in required):
        raise InvalidInput("invalid cursor: pass next_cursor from the previous page unchanged",
                           {"fields": {"cursor": ["not a cursor this list gave"]}})
    return position
