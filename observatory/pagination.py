"""Opaque cursors for ``{"items": [...], "next_cursor": ...}`` lists.

A cursor is base64 of a small JSON object, and a client can write one, so
decoding is strict: each list names the schema of its cursors, and anything
else (not base64, not JSON, a missing field, a field of the wrong type, an
extra field) is a 400 saying so, never a value that reaches a query unchecked.
"""
import base64
import binascii
import collections
import json

from marshmallow import Schema, ValidationError, fields, validate


from observatory.clock import iso

ASCENDING, DESCENDING = 1, -1  # pymongo's sort directions, without importing it: decisions page too
from observatory.errors import InvalidInput

MAX_OFFSET = 10 ** 9  # far beyond any list here; keeps skip() within MongoDB's 64-bit integers


class AfterCursor(Schema):
    """Lists in id order: continue after this id."""

    after = fields.String(required=True, validate=validate.Length(min=1, max=200))


class NewestFirstCursor(AfterCursor):
    """Lists newest first: continue after this (created_at, id)."""

    at = fields.DateTime(required=True)


class OffsetCursor(Schema):
    """Ranked lists: continue at this offset."""

    offset = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=MAX_OFFSET))


def encode_cursor(position):
    """A cursor for ``position`` (a small JSON-able dict)."""
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor, schema):
    """The position a cursor stands for, loaded with ``schema`` (a cursor
    schema class); {} for no cursor; 400 when it is not one this list gave."""
    if not cursor:
        return {}
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(position, dict):
            raise ValidationError("not a JSON object")
        return schema().load(position)
    except ValidationError as exc:
        reason = exc.messages
    except (ValueError, TypeError, binascii.Error) as exc:  # not base64, not UTF-8, not JSON
        reason = str(exc)
    raise InvalidInput("invalid cursor: pass next_cursor from the previous page unchanged",
                       {"fields": {"cursor": ["not a cursor this list gave"]}, "reason": reason})


class Page(collections.namedtuple("Page", "docs next_cursor")):
    """One page of stored documents and the cursor after it (None at the end)."""

    def answer(self, view, **extra):
        """The list answer: ``{"items": [view(doc), ...], "next_cursor", **extra}``."""
        return {"items": [view(d) for d in self.docs], "next_cursor": self.next_cursor, **extra}


def keyset_page(collection, query, cursor, limit, newest_first=False, projection=None):
    """A page of ``collection`` matching ``query``: in id order, or newest
    first (``created_at``, then id). The cursor holds the last document's
    keys, so a page costs one indexed range read however deep it is, and a
    document added meanwhile neither repeats nor skips one."""
    position = decode_cursor(cursor, NewestFirstCursor if newest_first else AfterCursor)
    if newest_first:
        order = [("created_at", DESCENDING), ("_id", DESCENDING)]
        if position:
            at = position["at"]
            query = {"$and": [query, {"$or": [{"created_at": {"$lt": at}},
                                              {"created_at": at, "_id": {"$lt": position["after"]}}]}]}
    else:
        order = [("_id", ASCENDING)]
        if position:
            query = {"$and": [query, {"_id": {"$gt": position["after"]}}]}
    docs = list(collection.find(query, projection).sort(order).limit(limit + 1))
    if len(docs) <= limit:
        return Page(docs, None)
    last = docs[limit - 1]
    keys = {"after": last["_id"], **({"at": iso(last["created_at"])} if newest_first else {})}
    return Page(docs[:limit], encode_cursor(keys))


def page_of_keys(keys, cursor, limit, maximum):
    """(the keys of this page, the next cursor or None) of sorted ``keys`` (strings), ``limit`` at most
    ``maximum``: for lists paged over keys computed in memory rather than stored documents."""
    after = decode_cursor(cursor, AfterCursor).get("after")
    limit = max(1, min(int(limit), maximum))
    rest = [k for k in keys if after is None or k > after]
    page = rest[:limit]
    return page, encode_cursor({"after": page[-1]}) if len(rest) > limit else None
