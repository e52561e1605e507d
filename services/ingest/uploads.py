"""Receiving a file in chunks (no AMQP message above 8 MB) and keeping its
raw bytes with their SHA-256: the same bytes twice are one dataset."""
import base64
import binascii
import datetime as dt
import hashlib
import uuid

from observatory.clock import utcnow
from observatory.errors import Conflict, InvalidInput, NotFound
from observatory.vocabulary import UPLOAD_CHUNK_BYTES
from services.ingest import messages
from services.ingest.exceptions import UnreadableFile
from services.ingest.packing import chunk_bytes

CHUNK_BYTES = UPLOAD_CHUNK_BYTES


def put_chunk(store, upload_id, index, data_b64):
    try:
        data = base64.b64decode(data_b64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("chunk data is not base64", {"index": index}) from None
    if len(data) > CHUNK_BYTES:
        raise InvalidInput(f"a chunk holds at most {CHUNK_BYTES} bytes", {"index": index, "size": len(data)})
    store.files.save_chunk(upload_id, index, data, utcnow())
    return {"upload_id": upload_id, "index": index, "size": len(data)}


def finish_upload(store, upload_id, kind, chunks, size, sha256, filename=None, year=None):
    """Check the chunks against the declared size and checksum, then create the
    dataset (queued, with its import request in the outbox) — or return the
    existing dataset when these bytes were uploaded before."""
    digest, seen_size, indexes = hashlib.sha256(), 0, []
    for chunk in store.files.upload_chunks(upload_id):
        digest.update(chunk["data"])
        seen_size += len(chunk["data"])
        indexes.append(chunk["index"])
    if indexes != list(range(chunks)) or seen_size != size or digest.hexdigest() != sha256:
        store.files.drop_upload(upload_id)
        raise InvalidInput("the upload is incomplete or corrupted", {
            "chunks_expected": chunks, "chunks_received": len(indexes), "size_expected": size,
            "size_received": seen_size, "sha256_matches": digest.hexdigest() == sha256})
    existing = store.datasets.with_checksum(sha256)
    if existing:
        store.files.drop_upload(upload_id)
        if existing["kind"] != kind:
            raise Conflict(f"these bytes are already dataset {existing['_id']} of kind {existing['kind']}",
                           {"id": existing["_id"], "kind": existing["kind"]})
        return {"id": existing["_id"], "status": existing["status"], "duplicate": True}
    dataset_id = uuid.uuid4().hex[:16]
    created = store.datasets.create({
            "_id": dataset_id, "sha256": sha256, "kind": kind, "filename": filename, "size": size, "year": year,
            "status": "queued", "rows_total": 0, "rows_accepted": 0, "rows_rejected": 0, "errors": [],
            "errors_total": 0, "periods": [], "summary": {"phase": "queued"}, "created_at": utcnow(),
            "applied_events": [], "outbox": [messages.import_requested(dataset_id)]})
    if not created:  # the same bytes finished concurrently
        store.files.drop_upload(upload_id)
        existing = store.datasets.with_checksum(sha256)
        return {"id": existing["_id"], "status": existing["status"], "duplicate": True}
    store.files.attach(upload_id, dataset_id)
    return {"id": dataset_id, "status": "queued", "duplicate": False}


def copy_raw(store, dataset_id, target):
    """Write the dataset's bytes into the binary file ``target``, chunk by
    chunk (the import reads them once, from there)."""
    found = False
    for chunk in store.files.dataset_chunks(dataset_id):
        target.write(chunk_bytes(chunk))
        found = True
    if not found:
        raise UnreadableFile("no raw bytes are stored for this dataset (lost with a restarted in-process store?)")


def abort_upload(store, upload_id):
    """Forget the chunks of an upload the gateway gave up on (413, a broken
    connection): a refused upload leaves nothing behind."""
    return {"upload_id": upload_id, "chunks_deleted": store.files.drop_upload(upload_id, unfinished_only=True)}


def purge_abandoned_chunks(store, max_age_seconds, now=None):
    """Chunks of uploads that never finished (the gateway died mid-upload)."""
    cutoff = (now or utcnow()) - dt.timedelta(seconds=max_age_seconds)
    return store.files.drop_unfinished_before(cutoff)


def raw_part(store, dataset_id, index, published_only=True):
    """One stored piece of a dataset's file (base64), with what a download
    needs to say about the whole file; NotFound when there is none (or, for
    ``published_only``, when the dataset was never published)."""
    dataset = store.datasets.dataset(
        dataset_id, {"status": 1, "published_at": 1, "sha256": 1, "size": 1, "filename": 1, "kind": 1})
    if dataset is None or published_only and not (dataset.get("status") == "completed" or dataset.get("published_at")):
        raise NotFound("no such published dataset", {"id": dataset_id})
    chunk = store.files.dataset_chunk(dataset_id, index)
    if chunk is None:
        raise NotFound("no raw bytes are stored for this part of the dataset", {"id": dataset_id, "index": index})
    parts = -(-dataset["size"] // CHUNK_BYTES) if dataset.get("size") else 1
    return {"id": dataset_id, "kind": dataset["kind"], "filename": dataset.get("filename"), "size": dataset["size"],
            "sha256": dataset["sha256"], "index": index, "parts": parts,
            "data": base64.b64encode(chunk_bytes(chunk)).decode("ascii")}
