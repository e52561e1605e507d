"""The best-practice and lessons-learned library: operators create, edit
(If-Match) and publish; anyone reads what is published; search by words is
ranked title (3) above summary (2) above body (1), found through an index of
words, so a query reads only the entries that hold one of its words. The
functions that read or write take the catalog's store as their first argument."""
import csv
import io
import json
import re
import unicodedata
from pathlib import Path

from observatory.clock import iso, utcnow
from observatory.errors import Conflict, InvalidInput
from observatory.events import with_outbox
from observatory.pagination import OffsetCursor, decode_cursor, encode_cursor
from services.catalog import messages
from services.catalog.exceptions import StaleEntry, UnknownPractice

# What a practice answer never shows: bookkeeping and the word indexes (the store leaves them out of
# plain lists; ranking reads them).
NEVER_ANSWERED = ("outbox", "applied_events", "terms", "title_terms", "summary_terms", "body_terms")

SEED_FILE = Path(__file__).with_name("practices.json")
WEIGHTS = {"title": 3, "summary": 2, "body": 1}
STOP_WORDS = {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or",
              "that", "the", "their", "this", "to", "with", "what", "how", "which", "who", "its", "can", "do"}
EDITABLE = ("title", "summary", "body", "countries", "themes", "source")


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
    answer = {k: v for k, v in doc.items() if k not in NEVER_ANSWERED and k != "_id"}
    answer["id"] = doc["_id"]
    for name in ("created_at", "updated_at", "published_at"):
        answer[name] = iso(answer.get(name))
    if score is not None:
        answer["score"] = score
    return answer


def get_practice(store, practice_id, public=True):
    """The raw document; a draft is no practice to the public."""
    doc = store.practices.get(practice_id)
    if doc is None or (public and doc.get("status") != "published"):
        raise UnknownPractice("no such practice", {"id": practice_id})
    return doc


def new_practice_doc(request, by, now):
    """A practice as inserted: a draft, or published at once (with its
    ``practice.published`` in its outbox) when the request says so."""
    practice_id = request.get("id") or slugify(request["title"]) or "practice"
    doc = {"_id": practice_id, **{k: request.get(k) for k in EDITABLE}, "countries": request.get("countries", []),
           "themes": request.get("themes", []), **_indexed(request), "status": "draft", "version": 1,
           "created_at": now, "updated_at": now, "published_at": None, "created_by": by,
           "applied_events": [], "outbox": []}
    if request.get("status") == "published":
        doc.update(status="published", published_at=now, outbox=[messages.practice_published(doc)])
    return doc


def create(store, request, by):
    doc = new_practice_doc(request, by, utcnow())
    if not store.practices.insert(doc):
        raise Conflict("a practice with this id exists already", {"id": doc["_id"]})
    return doc


def edit_state(doc, changes, by):
    """The fields an edit sets (the next version, the word indexes), or None
    when it changes no value."""
    changed = {k: v for k, v in changes.items() if k in EDITABLE and doc.get(k) != v}
    if not changed:
        return None
    return {**changed, **_indexed({**doc, **changed}), "version": doc["version"] + 1, "updated_at": utcnow(),
            "updated_by": by}


def update(store, practice_id, changes, expected_version, by):
    doc = get_practice(store, practice_id, public=False)
    if doc["version"] != expected_version:
        raise StaleEntry.of(doc, "practice")
    state = edit_state(doc, changes, by)
    if state is None:
        return doc
    update = {"$set": state}
    if doc["status"] == "published":  # readers of the published entry hear of the edit
        edited = [k for k in changes if k in state]
        update = with_outbox(update, messages.practice_updated(practice_id, state["version"], edited))
    if not store.practices.update_at(practice_id, expected_version, update):
        raise StaleEntry.of(get_practice(store, practice_id, public=False), "practice")
    return get_practice(store, practice_id, public=False)


def publication(doc, by, now):
    """The update that publishes draft ``doc``, with its ``practice.published``."""
    state = {"status": "published", "published_at": now, "published_by": by, "version": doc["version"] + 1,
             "updated_at": now}
    return with_outbox({"$set": state}, messages.practice_published({**doc, **state}))


def publish(store, practice_id, by):
    """Draft → published, with ``practice.published``; publishing again is a no-op."""
    doc = get_practice(store, practice_id, public=False)
    if doc["status"] == "published":
        return doc
    store.practices.publish_draft(practice_id, publication(doc, by, utcnow()))
    return get_practice(store, practice_id, public=False)


def import_practices(store, items, by):
    """Create each entry whose id is new; an existing id is left as it is."""
    created, unchanged = [], []
    for item in items:
        try:
            created.append(create(store, item, by)["_id"])
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


def seed(store, by="seed"):
    """The starting library shipped with the catalog (each entry once)."""
    return import_practices(store, json.loads(SEED_FILE.read_text(encoding="utf-8")), by)


def _score(doc, words):
    return sum(weight * sum(1 for w in words if w in doc.get(f"{name}_terms", []))
               for name, weight in WEIGHTS.items())


def ranked(candidates, words):
    """(score, practice) pairs, best first, then by id."""
    return sorted(((_score(d, words), d) for d in candidates), key=lambda pair: (-pair[0], pair[1]["_id"]))


def search(store, q=None, theme=None, country=None, status=None, cursor=None, limit=50, public=True):
    """Practices matching every filter; with ``q``, ranked by where its words occur."""
    filters = {"status": "published" if public else status, "theme": theme, "country": country}
    offset = decode_cursor(cursor, OffsetCursor).get("offset", 0)
    if q:
        found = ranked(store.practices.holding_any_term(terms(q), **filters), terms(q))
        page, total = [view(d, score) for score, d in found[offset:offset + limit]], len(found)
    else:
        docs, total = store.practices.page(offset, limit, **filters)
        page = [view(d) for d in docs]
    more = offset + limit < total
    return {"items": page, "total": total, "next_cursor": encode_cursor({"offset": offset + limit}) if more else None}
