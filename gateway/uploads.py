"""Stream an uploaded file to ingest in chunks: no AMQP message above 8 MB,
and the gateway never holds more than one chunk of it in memory."""
import base64
import hashlib
import logging
import uuid

from gateway.exceptions import BadRequest, PayloadTooLarge
from observatory.vocabulary import UPLOAD_CHUNK_BYTES

CHUNK_BYTES = UPLOAD_CHUNK_BYTES
DEFAULT_MAX_UPLOAD_BYTES = 128 * 1024 * 1024  # config MAX_UPLOAD_BYTES
CHUNK_DEADLINE_SECONDS = 30
log = logging.getLogger(__name__)


def _too_large(limit, **details):
    return PayloadTooLarge(f"uploads are limited to {limit:,} bytes ({limit / 2 ** 20:.0f} MiB)",
                           {"limit": limit, **details})


def upload_stream(request, limit):
    """The file's byte stream and name: the raw body, or multipart field ``file``."""
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit, content_length=request.content_length)
    if request.mimetype == "multipart/form-data":
        request.max_content_length = limit
        upload = request.files.get("file")
        if upload is None:
            raise BadRequest("multipart uploads carry the file in the field 'file'",
                             {"fields": sorted(request.files.keys())})
        return upload.stream, upload.filename
    return request.stream, request.headers.get("X-Filename")


def send_in_chunks(ingest, stream, limit, kind, filename=None, year=None):
    """Send ``stream`` to ingest chunk by chunk, then ask it to create the
    dataset. An upload refused midway (too large, a broken connection) is
    aborted so that ingest keeps none of its chunks."""
    upload_id = uuid.uuid4().hex
    rpc = ingest.with_deadline(CHUNK_DEADLINE_SECONDS)
    try:
        return _send(rpc, upload_id, stream, limit, kind, filename, year)
    except Exception:
        try:
            rpc.abort_upload(upload_id)
        except Exception:  # ingest unreachable: its housekeeping purges abandoned chunks
            log.warning("could not abort upload %s; ingest will purge it", upload_id)
        raise


def _send(rpc, upload_id, stream, limit, kind, filename, year):
    digest, size, index = hashlib.sha256(), 0, 0
    while True:
        data = stream.read(CHUNK_BYTES)
        if not data:
            break
        while len(data) < CHUNK_BYTES:  # a network stream returns short reads
            more = stream.read(CHUNK_BYTES - len(data))
            if not more:
                break
            data += more
        size += len(data)
        if size > limit:  # a body without Content-Length (chunked transfer)
            raise _too_large(limit)
        digest.update(data)
        rpc.put_chunk({"upload_id": upload_id, "index": index, "data": base64.b64encode(data).decode("ascii")})
        index += 1
    if size == 0:
        raise BadRequest("the upload is empty: send the file as the body or as multipart field 'file'")
    return rpc.finish_upload({"upload_id": upload_id, "kind": kind, "chunks": index, "size": size,
                              "sha256": digest.hexdigest(), "filename": filename, "year": year})
