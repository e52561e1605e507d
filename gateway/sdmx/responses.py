"""How the SDMX web service answers over HTTP: CORS on every answer, ETag and
Last-Modified with their conditional requests (304), gzip streamed chunk by
chunk, and errors as JSON bodies with their SDMX status."""
import email.utils
import hashlib
import logging
import zlib

from werkzeug.wrappers import Response

from gateway.cors import CORS, PREFLIGHT  # noqa: F401 (PREFLIGHT: the preflight's answer)
from gateway.http import error_response

CACHE_CONTROL = "public, max-age=300"
GZIP_LEVEL = 6
log = logging.getLogger(__name__)


def with_cors(response):
    response.headers.update(CORS)
    return response


def sdmx_error(exc):
    """An error raised while building an SDMX answer, with CORS (so a browser reads its reason)."""
    return with_cors(error_response(exc))


def wants_gzip(request):
    return request.accept_encodings["gzip"] > 0


def gzipped(chunks):
    """gzip, one compressed piece per chunk (sync-flushed: each reaches the client as it is made)."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for chunk in chunks:
        piece = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
        if piece:
            yield piece
    yield compressor.flush()


def entity_tag(*parts):
    return '"' + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32] + '"'


def http_date(moment):
    return email.utils.format_datetime(moment, usegmt=True) if moment else None


def not_modified(request, etag, last_modified=None):
    """True when the client holds this answer (If-None-Match, else If-Modified-Since)."""
    if request.if_none_match:
        return request.if_none_match.star_tag or request.if_none_match.contains(etag.strip('"'))
    since = request.if_modified_since
    return bool(since and last_modified and last_modified.replace(microsecond=0) <= since)


def conditional_headers(etag, last_modified):
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept, Accept-Encoding"}
    if last_modified:
        headers["Last-Modified"] = http_date(last_modified)
    return headers


def _logged(chunks, path):
    """The chunks; a failure once the answer has begun (its status is sent) is logged, and the
    connection then closes: the client sees a truncated answer, never a wrong one."""
    try:
        yield from chunks
    except Exception:
        log.exception("SDMX answer to %s broken off mid-stream", path)
        raise


def streamed(request, chunks, media_type, headers, status=200):
    """A streamed answer (gzip when the client takes it); nothing is held but the chunk being sent."""
    headers = {**headers, **CORS}
    chunks = _logged(chunks, request.path)
    if wants_gzip(request):
        chunks, headers["Content-Encoding"] = gzipped(chunks), "gzip"
    return Response(chunks, status=status, headers=headers, content_type=media_type, direct_passthrough=True)


def empty(status, headers):
    return Response(status=status, headers={**headers, **CORS})
