"""The reads of vintages: the releases, and what changed in a dataflow's
figures (SDMX ``updatedAfter``, ``includeHistory``, ``asOf``)."""
from observatory.clock import utcnow
from observatory.contracts.vintages import SeriesKeySelectionSchema
from observatory.errors import InvalidInput, validated
from observatory.pagination import OffsetCursor, decode_cursor, encode_cursor
from services.ingest import as_of as vintage
from services.ingest.vintages import DIMENSIONS, FLOWS_WITH_HISTORY, parse_as_of, stored_time, timestamp_text

MAX_LIMIT = 1000


def _limit(limit, maximum):
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise InvalidInput(f"limit is a whole number from 1 to {maximum}", {"fields": {"limit": ["out of range"]}})
    return limit


def _release_view(doc):
    return {"id": doc["_id"], "published_at": timestamp_text(doc["published_at"]),
            **{k: doc.get(k) for k in ("dataset_id", "kind", "action", "periods_changed", "changes")}}


def list_vintages(store, cursor=None, limit=100):
    """The releases, oldest first."""
    limit = _limit(limit, MAX_LIMIT)
    offset = decode_cursor(cursor, OffsetCursor).get("offset", 0)
    docs = store.vintages.releases_in_order(offset, limit + 1)
    more = len(docs) > limit
    return {"items": [_release_view(d) for d in docs[:limit]],
            "next_cursor": encode_cursor({"offset": offset + limit}) if more else None}


def vintage_at(store, as_of=None):
    """The release in force at ``as_of`` (default: now), or None before the first one."""
    at = vintage.parse(as_of)
    return vintage.vintage_view(store.vintages.release_at(at))


def _updated_after(text):
    if text is None:
        return None
    try:  # a time in the future is allowed: nothing changed after it
        return parse_as_of(text, stored_time(utcnow()).replace(year=9999))
    except ValueError as exc:
        raise InvalidInput(str(exc).replace("asOf", "updatedAfter"),
                           {"fields": {"updated_after": [str(exc)]}}) from None


def _observation(doc, at):
    observation = {k: v for k, v in (doc.get("obs") or {}).items() if v is not None}
    superseded = doc.get("valid_to") is not None and doc["valid_to"] <= at
    return {**observation, "ACTION": doc["action"], "validFrom": timestamp_text(doc["valid_from"]),
            "validTo": timestamp_text(doc["valid_to"]) if superseded else None}


def _dimensions(flow_id, dimensions):
    chosen = validated(SeriesKeySelectionSchema(), {"dimensions": dimensions}).get("dimensions") or {}
    unknown = sorted(set(chosen) - set(DIMENSIONS[flow_id]))
    if unknown:
        wanted = f"dimension ids of {flow_id}: {', '.join(DIMENSIONS[flow_id])}"
        raise InvalidInput(f"{flow_id} has no dimension {unknown[0][:40]!r}", {"fields": {"dimensions": [wanted]}})
    return chosen


def figure_changes(store, flow_id, updated_after=None, include_history=False, as_of=None, cursor=None, limit=500,
                   dimensions=None):
    """A page of ``flow_id``'s figures as published at ``as_of`` (default now), series-key then period
    order: each in force then (``updated_after``: only those changed after it, deletes included), or with
    ``include_history`` every version published until then, each with ``ACTION`` (R, D) and ``validFrom``.
    ``dimensions`` ({dimension id: [values]}): only the series keys it names, selected by the store query."""
    if flow_id not in FLOWS_WITH_HISTORY:
        raise InvalidInput(f"no history is kept for {str(flow_id)[:40]!r}",
                           {"fields": {"flow_id": [f"one of {', '.join(FLOWS_WITH_HISTORY)}"]}})
    at = vintage.parse(as_of) or stored_time(utcnow())
    after = _updated_after(updated_after)
    page = store.vintages.page(flow_id, at, after, bool(include_history), cursor, _limit(limit, MAX_LIMIT),
                               _dimensions(flow_id, dimensions))
    return page.answer(lambda d: _observation(d, at), flow=flow_id, as_of=timestamp_text(at),
                       updated_after=timestamp_text(after) if after else None,
                       include_history=bool(include_history))
