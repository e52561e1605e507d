"""Publishing one national submission: its staged observations become the
published national observations of its country (ACTION I/R write, D
deletes); what changed is recorded first as the submission's release in the
vintages every published figure has (``releases.record_national``: a
version per observation whose value or attributes moved), then one
conditional write marks the submission published with its audit entry and
its ``national.published`` event. An embargoed submission is published (and
its release recorded) at its date, so no earlier vintage has it. Re-running
it (a crash, the embargo timer and a reporter at once) changes nothing twice:
the release and its versions are written once, an observation already
written by this submission is skipped, and only one caller moves the
submission."""
from observatory.clock import iso, utcnow
from services.ingest import messages, releases
from services.ingest.national_reads import sdmx_observation
from services.ingest.packing import unpack

PUBLISHABLE = ("validated", "embargoed")
MAX_LOGGED_KEYS = 100


def changes(submission, staged, existing, now):
    """(documents to write, revised keys, deleted keys): what publishing ``staged`` over ``existing``
    ({observation id: published doc}) writes. Pure."""
    sid, writes, revised, deleted = submission["_id"], [], [], []
    for obs in staged:
        oid = f"{obs['key']}@{obs['time_period']}"
        current = existing.get(oid)
        if current and sid in (current.get("submission_id"), current.get("deleted")):
            continue  # written by this submission already
        if obs["action"] == "D":
            if current and not current.get("deleted"):
                writes.append({**current, "deleted": sid})
                deleted.append(oid)
            continue
        if current and not current.get("deleted") and (current.get("value"), current.get("attrs")) != (
                obs["value"], obs["attrs"]):
            revised.append(oid)
        writes.append({"_id": oid, "country": submission["country"], "key": obs["key"], "dims": obs["dims"],
                       "time_period": obs["time_period"], "value": obs["value"], "attrs": obs["attrs"],
                       "submission_id": sid, "reporter_id": submission["reporter_id"], "published_at": now,
                       "deleted": None})
    return writes, revised, deleted


def publish(store, submission_id, by, now=None, statuses=PUBLISHABLE):
    """Publish the submission if it is in one of ``statuses``; True when this call published it."""
    now = now or utcnow()
    submission = store.national.submission(submission_id)
    if submission is None or submission["status"] not in statuses:
        return False
    staged = unpack(store.national.staged(submission_id)) or []
    existing = {d["_id"]: d for d in store.national.country_observations(submission["country"], include_deleted=True)}
    writes, revised, deleted = changes(submission, staged, existing, now)
    replaced = [existing[d["_id"]] for d in writes if d["_id"] in existing and not existing[d["_id"]].get("deleted")]
    release = releases.record_national(store, submission, [sdmx_observation(d) for d in replaced],
                                       [sdmx_observation(d) for d in writes if not d.get("deleted")], now)
    for doc in writes:
        store.national.write_observation(doc)
    store.vintages.complete_release(release["_id"])
    embargo = submission.get("embargo_until")
    event = messages.national_published(submission, len(staged), len(revised), len(deleted), iso(embargo), iso(now))
    entry = {"at": now, "by": by, "action": "published", "observations": len(staged), "revised": len(revised),
             "deleted": len(deleted), "revised_keys": revised[:MAX_LOGGED_KEYS],
             "deleted_keys": deleted[:MAX_LOGGED_KEYS]}
    return store.national.move(submission_id, statuses, {"status": "published", "published_at": now}, entry, [event])
