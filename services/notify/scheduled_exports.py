"""Scheduled exports (issue 21; DESIGN §4: deliveries of notify). A member
institution (a subscriber) chooses a dataflow or a corridor set, CSV or
SDMX-CSV, and a channel (email, or a webhook signed as alerts are); a timer
runs the due ones: each is claimed under a lease, its content fetched from
the gateway's open-data export (``gateway/exports.py`` stays the one writer
of those files; a corridor set keeps the rows of its corridors), delivered,
and its run recorded only while the claim is ours. A run's id comes from the
export and its due time, so a run re-sent after a crash or a failure keeps
its ``webhook-id``."""
import csv
import datetime as dt
import hashlib
import io
import secrets

from observatory.audit import actor, audit_entry
from observatory.clock import iso, utcnow
from observatory.contracts.scheduled_exports import EXPORT_CADENCES, EXPORT_EDITABLE
from observatory.vocabulary import ROLE_MEMBER
from observatory.errors import NotFound
from services.notify import messages, webhooks
from services.notify.subscriptions import get_subscriber

RETRY_AFTER = dt.timedelta(minutes=5)  # a failed run is tried again after this
RUNS_PER_TICK = 10
SOURCE_COLUMNS = {"csv": ("source", "destination"), "sdmx-csv": ("SOURCE_AREA", "DEST_AREA")}


class ExportFailed(Exception):
    """A run that could not fetch or deliver its content (it is tried again)."""


def export_path(content):
    """The gateway's open-data address of the content, and its query."""
    suffix = ".sdmx.csv" if content.get("format") == "sdmx-csv" else ".csv"
    if content["dataflow"] == "flows":
        return f"/api/v1/exports/countries/{content['country']}/flows{suffix}", {}
    query = {"period": content["period"]} if content.get("period") else {}
    return f"/api/v1/exports/{content['dataflow']}{suffix}", query


def only_corridors(text, content):
    """The CSV with only the rows of the content's corridors (all of them when it names none)."""
    wanted = set(content.get("corridors") or [])
    if content["dataflow"] != "corridors" or not wanted:
        return text
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return text
    source, destination = (rows[0].index(c) for c in SOURCE_COLUMNS[content.get("format", "csv")])
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        [rows[0]] + [r for r in rows[1:] if f"{r[source]}-{r[destination]}" in wanted])
    return out.getvalue()


def filename_of(export):
    content = export["content"]
    name = content.get("corridor_set") or content.get("country") or content["dataflow"]
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in str(name).lower())[:60]
    return f"{content['dataflow']}-{safe}{'.sdmx.csv' if content.get('format') == 'sdmx-csv' else '.csv'}"


def view(doc, secret=None):
    answer = {k: doc.get(k) for k in ("subscriber_id", "name", "content", "channel", "cadence", "status", "runs",
                                      "last_run", "audit")}
    answer.update(id=doc["_id"], next_due_at=iso(doc.get("next_due_at")), created_at=iso(doc.get("created_at")))
    if secret:
        answer["secret"] = secret
    return {k: v for k, v in answer.items() if v is not None}


def _by(subscriber_id, by):
    """Who acts, as audit entries name it: the principal given (the gateway's), else the institution itself."""
    return actor(by or {"role": ROLE_MEMBER, "member_id": subscriber_id})


def create(store, subscriber_id, request, addresses, now=None, by=None):
    """A new scheduled export, due at once, audited; a webhook's secret is in this answer only."""
    get_subscriber(store, subscriber_id)
    channel = request["channel"]
    if channel["type"] == "webhook":
        webhooks.check_destination(channel["url"], addresses)
    secret = webhooks.new_secret() if channel["type"] == "webhook" else None
    now = now or utcnow()
    doc = {"_id": "exp_" + secrets.token_hex(8), "subscriber_id": subscriber_id, **request,
           "secrets": [{"secret": secret}] if secret else [], "status": "active", "next_due_at": now,
           "lease_until": None, "claimed_by": None, "runs": 0, "last_run": None, "created_at": now,
           "audit": [audit_entry("created", _by(subscriber_id, by), sorted(request), None)]}
    store.scheduled_exports.add(doc)
    return view(doc, secret)


def listed(store, subscriber_id):
    return {"items": [view(d) for d in store.scheduled_exports.of_subscriber(subscriber_id)]}


def _not_found(export_id):  # another subscriber's is "not found" too
    return NotFound("no such scheduled export", {"id": export_id})


def change(store, subscriber_id, export_id, changes, by=None):
    """Its name, cadence or content changed (``EXPORT_EDITABLE``; the channel and its secret stay: a new
    channel is a new export), audited with the fields that changed; the same again changes nothing."""
    doc = store.scheduled_exports.own(subscriber_id, export_id)
    if doc is None:
        raise _not_found(export_id)
    changed = {k: v for k, v in changes.items() if k in EXPORT_EDITABLE and doc.get(k) != v}
    if changed:
        doc = store.scheduled_exports.change(subscriber_id, export_id, changed,
                                             audit_entry("changed", _by(subscriber_id, by), changed, None))
        if doc is None:  # deleted meanwhile
            raise _not_found(export_id)
    return view(doc)


def delete(store, subscriber_id, export_id, by=None):
    doc = store.scheduled_exports.delete(subscriber_id, export_id,
                                         audit_entry("deleted", _by(subscriber_id, by), ["status"], None))
    if doc is None:
        raise _not_found(export_id)
    return view(doc)


def run_id(export_id, due_at):
    return "exp_run_" + hashlib.sha256(f"{export_id}:{iso(due_at)}".encode()).hexdigest()[:24]


def next_due(due_at, cadence, now):
    """The next time after ``now`` on the export's cadence (missed ones are not made up)."""
    step = dt.timedelta(days=EXPORT_CADENCES[cadence])
    following = due_at + step
    return following if following > now else now + step


def run_one(store, claimed, fetch, deliver, now=None):
    """Fetch, deliver and record one claimed export; the run as recorded."""
    due = claimed.get("run_of") or claimed["next_due_at"]  # a retried run keeps the time it was due for
    this_run = run_id(claimed["_id"], due)
    try:
        text = only_corridors(fetch(*export_path(claimed["content"])), claimed["content"])
        deliver(claimed, this_run, filename_of(claimed), text)
    except ExportFailed as exc:
        run = {"id": this_run, "at": iso(utcnow()), "status": "failed", "error": str(exc)[:300]}
        store.scheduled_exports.record_run(claimed, run, utcnow() + RETRY_AFTER, run_of=due)
        return run
    run = {"id": this_run, "at": iso(utcnow()), "status": "delivered", "rows": max(text.count("\n") - 1, 0)}
    store.scheduled_exports.record_run(claimed, run, next_due(due, claimed["cadence"], now or utcnow()), run_of=None)
    return run


def run_due(store, worker, lease_seconds, fetch, deliver, now=None):
    """Every export due now, one claim at a time (another instance takes the others)."""
    runs = []
    for _ in range(RUNS_PER_TICK):
        claimed = store.scheduled_exports.claim_due(worker, lease_seconds, now or utcnow())
        if claimed is None:
            break
        runs.append(run_one(store, claimed, fetch, deliver, now))
    return runs


def delivery_of(settings, send_email):
    """``deliver(export, run_id, filename, text)`` through the export's channel: a signed webhook (the checked
    address, the attempt's deadline) or an email with the file attached (``send_email(message_parts)``)."""
    def deliver(export, this_run, filename, text):
        channel = export["channel"]
        try:
            if channel["type"] == "webhook":
                body = messages.export_webhook_body(this_run, export, filename, text)
                headers = webhooks.headers([s["secret"] for s in export.get("secrets", [])], this_run, body)
                answer = webhooks.post(channel["url"], body, headers, settings.timeout_seconds, settings.addresses)
                if not 200 <= answer.status_code < 300:
                    raise ExportFailed(f"the receiver answered {answer.status_code}")
            else:
                send_email(channel["email"], export, filename, text)
        except ExportFailed:
            raise
        except Exception as exc:  # a refused address, a timeout, an SMTP error: this run failed, the next tries
            raise ExportFailed(f"{type(exc).__name__}: {exc}") from None
    return deliver
