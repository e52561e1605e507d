"""Stream an uploaded file to ingest in chunks: no AMQP message above 8 MB,
and the gateway never holds more than one chunk of it in memory."""
import base64
import hashlib
import os
import uuid

from gateway.exceptions import BadRequest, PayloadTooLarge

CHUNK_BYTES = 4 * 1024 * 1024
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(128 * 1024 * 1024)))
CHUNK_DEADLINE_SECONDS = 30


def upload_stream(request):
    """The file's byte stream and name: the raw body, or multipart field ``file``."""
    if request.content_length is not None and request.content_length > MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(f"uploads are limited to {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB",
                              {"content_length": request.content_length, "limit": MAX_UPLOAD_BYTES})
    if request.mimetype == "multipart/form-data":
        request.max_content_length = MAX_UPLOAD_BYTES
        upload = request.files.get("file")
        if upload is None:
            raise BadRequest("multipart uploads carry the file in the field 'file'",
                             {"fields": sorted(request.files.keys())})
        return upload.stream, upload.filename
    return request.stream, request.headers.get("X-Filename")


def send_in_chunks(ingest, stream, kind, filename=None, year=None):
    """Send ``stream`` to ingest chunk by chunk, then ask it to create the dataset."""
    upload_id = uuid.uuid4().hex
    rpc = ingest.with_deadline(CHUNK_DEADLINE_SECONDS)
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
        if size > MAX_UPLOAD_BYTES:
            raise PayloadTooLarge(f"uploads are limited to {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB",
                                  {"limit": MAX_UPLOAD_BYTES})
        digest.update(data)
        rpc.put_chunk({"upload_id": upload_id, "index": index, "data": base64.b64encode(data).decode("ascii")})
        index += 1
    if size == 0:
        raise BadRequest("the upload is empty: send the file as the body or as multipart field 'file'")
    return rpc.finish_upload({"upload_id": upload_id, "kind": kind, "chunks": index, "size": size,
                              "sha256": digest.hexdigest(), "filename": filename, "year": year})
