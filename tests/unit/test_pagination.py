"""Cursors a client forged or mangled are a 400 naming the cursor, never a
value that reaches a query (a 500 once: ``{"after": "x"}`` on a newest-first list)."""
import base64
import datetime as dt
import json

import pytest

from observatory.errors import InvalidInput
from observatory.pagination import AfterCursor, NewestFirstCursor, OffsetCursor, decode_cursor, encode_cursor


def forged(position):
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def test_a_cursor_the_list_gave_comes_back_as_its_position():
    at = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.timezone.utc)
    assert decode_cursor(encode_cursor({"after": "sub_1", "at": at.isoformat()}), NewestFirstCursor) == \
        {"after": "sub_1", "at": at}
    assert decode_cursor(encode_cursor({"offset": 50}), OffsetCursor) == {"offset": 50}
    assert decode_cursor(encode_cursor({"after": "western-union"}), AfterCursor) == {"after": "western-union"}
    assert decode_cursor(None, AfterCursor) == {} and decode_cursor("", OffsetCursor) == {}


@pytest.mark.parametrize("schema, cursor", [
    (NewestFirstCursor, "eyJhZnRlciI6ICJ4In0"),          # {"after": "x"}: no "at" (the notifications 500)
    (NewestFirstCursor, forged({"after": "x", "at": "x"})),
    (NewestFirstCursor, forged({"after": {"$gt": ""}, "at": "2026-12-01T00:00:00"})),
    (OffsetCursor, "eyJvZmZzZXQiOiAieCJ9"),               # {"offset": "x"} (the practices 500)
    (OffsetCursor, forged({"offset": -1})),
    (OffsetCursor, forged({"offset": 10 ** 30})),          # past MongoDB's 64-bit skip
    (OffsetCursor, forged({"offset": 1.5})),
    (OffsetCursor, forged({"offset": True})),
    (AfterCursor, forged({"after": 7})),
    (AfterCursor, forged({"after": None})),
    (AfterCursor, forged({"after": "x", "extra": 1})),
    (AfterCursor, forged(["x"])),
    (AfterCursor, "not base64 at all!"),
    (AfterCursor, base64.urlsafe_b64encode(b"\xff\xfe{").decode()),  # not UTF-8
    (AfterCursor, forged("x")),
])
def test_a_forged_cursor_is_a_400_naming_the_cursor(schema, cursor):
    with pytest.raises(InvalidInput) as raised:
        decode_cursor(cursor, schema)
    assert raised.value.status == 400
    assert raised.value.details["fields"] == {"cursor": ["not a cursor this list gave"]}
    json.dumps(raised.value.details)  # it travels over RPC and into the JSON error as it is
