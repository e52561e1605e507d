"""The best-practice and lessons-learned library: operators create, edit
(If-Match) and publish; anyone reads what is published; search by words is
ranked title (3) above summary (2) above body (1), found through an index of
words, so a query reads only the entries that hold one of its words."""
import csv
import io
import json
import re
import unicodedata
from pathlib import Path

from pymongo.errors import DuplicateKeyError

from observatory.clock import utcnow
from observatory.errors import Conflict, InvalidInput
from observatory.events import new_event
from observatory.outbox import with_outbox
from observatory.pagination import OffsetCursor, decode_cursor, encode_cursor
from services.catalog.exceptions import StaleEntry, UnknownPractice
from services.catalog.models import Practice
from services.catalog.registry import SOURCE

SEED_FILE = Path(__file__).with_name("practices.json")
WEIGHTS = {"title": 3, "summary": 2, "body": 1}
STOP_WORDS = {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or",
              "that", "the", "their", "this", "to", "with", "what", "how", "which", "who", "its", "can", "do"}
EDITABLE = ("title", "summary", "body", "countries", "themes", "source")
HIDDEN = {"outbox": 0, "applied_events": 0, "terms": 0, "title_terms": 0, "summary_terms": 0, "body_terms": 0}


def _stem(word):
    """Plural and common suffixes away, so "remittances" finds "remittance"."""
    for suffix in ("ies", "es", "s"):
        if len(word) > 4 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def terms(text):
    folded = unicodedata.normalize("NFKD", text or "")
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return sorted({_stem(w) for w in re.findall(r"[a-z0-9]+", folded) if w not in STOP_WORDS and len(w) > 1})


def slugify(text):
    return "-".join(re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", text).lower()))[:80].strip("-")


def _indexed(fields_):
    """The word indexes of a practice's text fields."""
    per_field = {f"{name}_terms": terms(fields_.get(name, "")) for name in WEIGHTS}
    return {**per_field, "terms": sorted(set().union(*per_field.values()))}


def view(doc, score=None):
    answer = {k: v for k, v in doc.items() if k not in HIDDEN and k != "_id"}
    answer["id"] = doc["_id"]
    for name in ("created_at", "updated_at", "published_at"):
        value = answer.get(name)
        answer[name] = value.isoformat() if hasattr(value, "isoformat") else value
    if score is not None:
        answer["score"] = score
    return answer


def _published_event(doc):
    return new_event("practice.published", SOURCE, {"practice_id": doc["_id"], "title": doc["title"],
                                                     "themes": doc.get("themes", []),
                                                     "countries": doc.get("countries", [])})


def _find(practice_id, public=False):
    doc = Practice._get_collection().find_one({"_id": practice_id})
    if doc is None or (public and doc.get("status") != "published"):
        raise UnknownPractice("no such practice", {"id": practice_id})
    return doc


def get_practice(practice_id, public=True):
    return _find(practice_id, public)


def create(request, by):
    now = utcnow()
    practice_id = request.get("id") or slugify(request["title"]) or "practice"
    doc = {"_id": practice_id, **{k: request.get(k) for k in EDITABLE}, "countries": request.get("countries", []),
           "themes": request.get("themes", []), **_indexed(request), "status": "draft", "version": 1,
           "created_at": now, "updated_at": now, "published_at": None, "created_by": by,
           "applied_events": [], "outbox": []}
    if request.get("status") == "published":
        doc.update(status="published", published_at=now, outbox=[_published_event(doc)])
    try:
        Practice._get_collection().insert_one(doc)
    except DuplicateKeyError:
        raise Conflict("a practice with this id exists already", {"id": practice_id}) from None
    return doc


def update(practice_id, changes, expected_version, by):
    doc = _find(practice_id)
    if doc["version"] != expected_version:
        raise StaleEntry.of(doc, "practice")
    changed = {k: v for k, v in changes.items() if k in EDITABLE and doc.get(k) != v}
    if not changed:
        return doc
    state = {**changed, **_indexed({**doc, **changed}), "version": doc["version"] + 1, "updated_at": utcnow(),
             "updated_by": by}
    result = Practice._get_collection().update_one({"_id": practice_id, "version": expected_version},
                                                   {"$set": state})
    if result.modified_count != 1:
        raise StaleEntry.of(_find(practice_id), "practice")
    return _find(practice_id)


def publish(practice_id, by):
    """Draft → published, with ``practice.published``; publishing again is a no-op."""
    doc = _find(practice_id)
    if doc["status"] == "published":
        return doc
    now = utcnow()
    state = {"status": "published", "published_at": now, "published_by": by, "version": doc["version"] + 1,
             "updated_at": now}
    Practice._get_collection().update_one({"_id": practice_id, "status": "draft"},
                                          with_outbox({"$set": state}, _published_event({**doc, **state})))
    return _find(practice_id)


def import_practices(items, by):
    """Create each entry whose id is new; an existing id is left as it is."""
    created, unchanged = [], []
    for item in items:
        try:
            created.append(create(item, by)["_id"])
        except Conflict as exc:
            unchanged.append(exc.details["id"])
    return {"created": created, "unchanged": unchanged}


CSV_LISTS = ("countries", "themes")
CSV_SOURCE = {"source_title": "title", "source_publisher": "publisher", "source_year": "year", "source_url": "url"}


def items_from_csv(text):
    """CSV rows → practice requests: ``countries`` and ``themes`` separated by
    ';', the source in ``source_*`` columns, empty cells left out. Item i is
    line i + 2 of the file (after the header)."""
    items = []
    # newline="": the csv module finds the line ends itself (\n, \r, \r\n, in
    # quotes or not); the other Unicode breaks (\x85, \u2028, ...) are text in a cell
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:  # line_num counts the lines read whole: the next one failed
        raise InvalidInput(f"the CSV cannot be read at line {reader.line_num + 1}: {exc}",
                           {"line": reader.line_num + 1}) from None
    for row in rows:
        item, source = {}, {}
        if None in row:  # more cells than the header has columns: refused as an unknown field
            item["cells_beyond_the_header"] = row.pop(None)
        for column, value in row.items():
            value = (value or "").strip()
            if not value:
                continue
            if column in CSV_LISTS:
                item[column] = [part.strip() for part in value.split(";") if part.strip()]
            elif column in CSV_SOURCE:
                source[CSV_SOURCE[column]] = value
            else:
                item[column] = value
        if source:
            item["source"] = source
        items.append(item)
    return items


def seed(by="seed"):
    """The starting library shipped with the catalog (each entry once)."""
    return import_practices(json.loads(SEED_FILE.read_text(encoding="utf-8")), by)


def _score(doc, words):
    return sum(weight * sum(1 for w in words if w in doc.get(f"{name}_terms", []))
               for name, weight in WEIGHTS.items())


def search(q=None, theme=None, country=None, status=None, cursor=None, limit=50, public=True):
    """Practices matching every filter; with ``q``, ranked by where its words occur."""
    query = {"status": "published"} if public else ({"status": status} if status else {})
    if theme:
        query["themes"] = theme
    if country:
        query["countries"] = country
    offset = decode_cursor(cursor, OffsetCursor).get("offset", 0)
    collection = Practice._get_collection()
    words = terms(q) if q else []
    if q:
        query["terms"] = {"$in": words or ["\0"]}
        candidates = list(collection.find(query, {"outbox": 0, "applied_events": 0}))
        ranked = sorted(((_score(d, words), d) for d in candidates), key=lambda pair: (-pair[0], pair[1]["_id"]))
        page = [view(d, score) for score, d in ranked[offset:offset + limit]]
        total = len(ranked)
    else:
        total = collection.count_documents(query)
        page = [view(d) for d in collection.find(query, HIDDEN).sort("_id", 1).skip(offset).limit(limit)]
    more = offset + limit < total
    return {"items": page, "total": total, "next_cursor": encode_cursor({"offset": offset + limit}) if more else None}
