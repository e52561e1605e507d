"""National submissions by member states' reporting institutions: the
registry of reporters, a submission's life (received and queued, then
parsed and validated against the NATIONAL_REMITTANCES structure by its
``national.validate`` job: staged, or failed with its row errors and
nothing staged), its publication now or at its embargo date, and the scope
rule (a reporter sees and acts on its own submissions only). Plain functions
over ``store.national`` (``store_national``); ``national_publication``
applies a publication to the published observations."""
import datetime as dt
import hashlib
import logging

from observatory.clock import iso, utcnow
from observatory.countries import countries
from observatory.errors import Conflict, InvalidInput, SubmissionNotPublishable, UnknownReporter, UnknownSubmission
from services.ingest import messages, national_publication
from services.ingest.exceptions import UnreadableFile
from services.ingest.national_validation import validate
from services.ingest.packing import pack
from services.ingest.parsers.sdmx_csv import parse_sdmx_csv
from services.ingest.parsers.sdmx_ml import parse_sdmx_ml
from services.ingest.parsers.sdmx_records import MAX_SUBMISSION_BYTES
from services.ingest.parsers.sdmx_xlsx import parse_sdmx_xlsx

PARSERS = {
    "sdmx-csv-1.0": lambda data: parse_sdmx_csv(data, "1.0"),
    "sdmx-csv-2.0": lambda data: parse_sdmx_csv(data, "2.0"),
    "sdmx-csv": parse_sdmx_csv,
    "sdmx-ml-2.1": parse_sdmx_ml,
    "xlsx": parse_sdmx_xlsx,
}
PUBLISHABLE = ("validated", "embargoed")
log = logging.getLogger(__name__)


# -- reporters ----------------------------------------------------------------------------
def register_reporter(store, reporter, by, now=None):
    """Register a reporting institution (idempotent: the same request twice is one reporter; the same id
    with other details is a conflict)."""
    if countries().get(reporter["country"]) is None:
        raise InvalidInput("unknown country", {"fields": {"country": [f"{reporter['country']} is not a country"]}})
    doc = {"_id": reporter["id"], "name": reporter["name"], "country": reporter["country"], "kind": reporter["kind"],
           "created_at": now or utcnow(), "created_by": by}
    stored, created = store.national.add_reporter(doc)
    if not created and any(stored[k] != doc[k] for k in ("name", "country", "kind")):
        raise Conflict(f"reporter {reporter['id']} exists with other details", {"id": reporter["id"]})
    return reporter_answer(stored)


def reporter_answer(doc):
    return {"id": doc["_id"], "name": doc["name"], "country": doc["country"], "kind": doc["kind"],
            "created_at": iso(doc.get("created_at"))}


def get_reporter(store, reporter_id):
    doc = store.national.reporter(reporter_id)
    if doc is None:
        raise UnknownReporter("no such reporter", {"id": reporter_id})
    return reporter_answer(doc)


def list_reporters(store, cursor=None, limit=50):
    page = store.national.reporters_page(cursor, limit)
    return {"items": [reporter_answer(d) for d in page.docs], "next_cursor": page.next_cursor}


# -- submissions ---------------------------------------------------------------------------
def submission_answer(doc, reporter=None, errors_limit=1000):
    return {"id": doc["_id"], "kind": doc.get("kind", "national"), "reporter_id": doc["reporter_id"],
            "reporter_name": (reporter or {}).get("name"), "country": doc["country"], "format": doc["format"],
            "sha256": doc["sha256"], "size": doc.get("size"), "status": doc["status"],
            "errors": (doc.get("errors") or [])[:errors_limit], "errors_total": doc.get("errors_total", 0),
            "failure": doc.get("failure"), "observations": doc.get("observations", 0),
            "periods": doc.get("periods", []), "embargo_until": iso(doc.get("embargo_until")),
            "created_at": iso(doc.get("created_at")), "published_at": iso(doc.get("published_at")),
            "log": [{key: iso(value) for key, value in entry.items()} for entry in doc.get("log", [])]}


def submit(store, reporter_id, fmt, data, by, now=None):
    """Receive a file from reporter ``reporter_id``: kept ``processing`` with its bytes and, in the same write,
    the ``national.validate`` job in its outbox (as an upload queues its import); ``process`` then stages it
    or fails it with every row error. The same bytes from the same reporter are the same submission."""
    reporter = store.national.reporter(reporter_id)
    if reporter is None:
        raise UnknownReporter("no such reporter", {"id": reporter_id})
    if fmt not in PARSERS:
        raise InvalidInput(f"unknown submission format {fmt!r}", {"formats": sorted(PARSERS)})
    if len(data) > MAX_SUBMISSION_BYTES:
        raise InvalidInput(f"a submission is at most {MAX_SUBMISSION_BYTES:,} bytes", {"size": len(data)})
    sha256 = hashlib.sha256(data).hexdigest()
    submission_id = hashlib.sha256(f"{reporter_id}:{sha256}".encode()).hexdigest()[:16]
    existing = store.national.submission(submission_id, {"reporter_id": 1, "status": 1})
    if existing:
        return {"id": submission_id, "status": existing["status"], "duplicate": True}
    now = now or utcnow()
    doc = {"_id": submission_id, "kind": "national", "reporter_id": reporter_id, "country": reporter["country"],
           "format": fmt, "sha256": sha256, "size": len(data), "created_at": now, "status": "processing",
           "raw": data, "errors": [], "errors_total": 0, "observations": 0, "periods": [], "applied_events": [],
           "outbox": [messages.national_validation_requested(submission_id)],
           "log": [{"at": now, "by": by, "action": "submitted", "format": fmt}]}
    if not store.national.add_submission(doc):  # the same file, concurrently
        existing = store.national.submission(submission_id, {"status": 1})
        return {"id": submission_id, "status": existing["status"], "duplicate": True}
    return {"id": submission_id, "status": "processing", "duplicate": False}


def validation_outcome(parsed, country):
    """What validating a parsed file finds, as the submission's fields: ``validated`` with its observations
    staged, or ``failed`` with every row error (an unreadable file: one error saying why)."""
    try:
        observations, errors, errors_total = validate(parsed(), country)
    except Exception as exc:  # UnreadableFile, or a parser's fault on a strange file: a reason, never a 500
        if not isinstance(exc, UnreadableFile):
            log.exception("a submission for %s could not be read", country)
            exc = UnreadableFile(f"the file cannot be read ({type(exc).__name__})")
        return {"status": "failed", "failure": exc.message, "errors_total": 1,
                "errors": [{"row": exc.details.get("row", 0), "column": exc.details.get("column"),
                            "message": exc.message}]}
    if errors:
        return {"status": "failed", "errors": errors, "errors_total": errors_total}
    return {"status": "validated", "staged": pack(observations), "observations": len(observations),
            "periods": sorted({o["time_period"] for o in observations})}


def process(store, submission_id):
    """Parse and validate a ``processing`` submission (the ``national.validate`` job); its status after. A
    submission already processed is left as it is (a redelivered job changes nothing)."""
    doc = store.national.submission(submission_id, {"status": 1, "format": 1, "country": 1, "log": 1})
    if doc is None:
        raise UnknownSubmission("no such submission", {"id": submission_id})
    if doc["status"] != "processing":
        return doc["status"]
    data = store.national.raw(submission_id) or b""
    outcome = validation_outcome(lambda: PARSERS[doc["format"]](data), doc["country"])
    if outcome["status"] == "failed":  # the log's first entry says how many errors refused it
        outcome["log.0.errors"] = outcome["errors_total"]
    store.national.finish_processing(submission_id, outcome)
    return store.national.submission(submission_id, {"status": 1})["status"]


def give_up_processing(store, submission_id, reason):
    """The validation job failed every attempt: the submission says so instead of processing forever."""
    store.national.finish_processing(submission_id, {"status": "failed", "failure": reason, "errors_total": 1,
                                                     "errors": [{"row": 0, "column": None, "message": reason}]})


def _owned(store, submission_id, reporter_id):
    """The submission; UnknownSubmission also when it is another reporter's (its existence is not told)."""
    doc = store.national.submission(submission_id)
    if doc is None or (reporter_id is not None and doc["reporter_id"] != reporter_id):
        raise UnknownSubmission("no such submission", {"id": submission_id})
    return doc


def get_submission(store, submission_id, reporter_id=None):
    doc = _owned(store, submission_id, reporter_id)
    return submission_answer(doc, store.national.reporter(doc["reporter_id"]))


def list_submissions(store, reporter_id=None, status=None, cursor=None, limit=50):
    page = store.national.submissions_page(reporter_id, status, cursor, limit)
    reporters = store.national.reporter_names({d["reporter_id"] for d in page.docs})
    return {"items": [submission_answer(d, reporters.get(d["reporter_id"])) for d in page.docs],
            "next_cursor": page.next_cursor}


def publish(store, submission_id, by, reporter_id=None, embargo_until=None, now=None):
    """Publish a validated submission now, or hold it embargoed until ``embargo_until`` (a later embargo
    replaces an earlier one; a past one publishes now). Publishing again what is published changes nothing."""
    now = now or utcnow()
    doc = _owned(store, submission_id, reporter_id)
    if doc["status"] == "published":
        return {**get_submission(store, submission_id, reporter_id), "changed": False}
    if doc["status"] not in PUBLISHABLE:
        raise SubmissionNotPublishable(f"a {doc['status']} submission cannot be published",
                                       {"id": submission_id, "status": doc["status"]})
    if embargo_until is not None and embargo_until.astimezone(dt.timezone.utc) > now:
        until = embargo_until.astimezone(dt.timezone.utc)
        changed = store.national.move(
            submission_id, PUBLISHABLE, {"status": "embargoed", "embargo_until": until},
            {"at": now, "by": by, "action": "embargoed", "until": until},
            [messages.national_embargoed(doc, iso(until))])
    else:
        changed = national_publication.publish(store, submission_id, by, now)
    return {**get_submission(store, submission_id, reporter_id), "changed": changed}


def publish_due(store, now=None):
    """Publish every embargoed submission whose date has come (the timer; idempotent). Returns their ids."""
    now = now or utcnow()
    published = []
    for submission_id in store.national.due_embargoes(now):
        if national_publication.publish(store, submission_id, "embargo", now, statuses=("embargoed",)):
            published.append(submission_id)
    return published


def upcoming_releases(store, now=None):
    """The embargoed releases to come: when, which country and institution; never a figure."""
    docs = store.national.upcoming_embargoes(now or utcnow())
    reporters = store.national.reporter_names({d["reporter_id"] for d in docs})
    return {"items": [{"submission_id": d["_id"], "country": d["country"], "reporter_id": d["reporter_id"],
                       "reporter_name": reporters.get(d["reporter_id"], {}).get("name"),
                       "release_at": iso(d["embargo_until"]), "periods": d.get("periods", [])} for d in docs]}
