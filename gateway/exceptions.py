"""Every error the API can answer, and the one place that maps exceptions to
``{"error": CODE, "message": ..., "details": {...}}`` with a status."""
import logging

from eventlet.wsgi import ChunkReadError
from marshmallow import ValidationError
from werkzeug.exceptions import ClientDisconnected, HTTPException

from gateway.sdmx import errors as sdmx_errors  # noqa: F401  (the SDMX service's answers: 406, 501, ...)
from observatory.errors import ObservatoryError, ServiceUnavailable

log = logging.getLogger(__name__)


class ApiError(ObservatoryError):
    status = 400
    code = "BAD_REQUEST"


class BadRequest(ApiError):
    pass


class InvalidJson(ApiError):
    code = "INVALID_JSON"


class Unauthorized(ApiError):
    status = 401
    code = "UNAUTHORIZED"


class Forbidden(ApiError):
    status = 403
    code = "FORBIDDEN"


class RouteNotFound(ApiError):
    status = 404
    code = "NOT_FOUND"


class RequestTimeout(ApiError):
    """The client paused too long while sending its request (gateway/server.py)."""

    status = 408
    code = "REQUEST_TIMEOUT"


class PayloadTooLarge(ApiError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


class TooManyRequests(ApiError):
    status = 429
    code = "RATE_LIMITED"

    def response_headers(self):
        return {"Retry-After": str(self.details.get("retry_after_seconds", 1))}


class UnsupportedMediaType(ApiError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class MalformedBody(ApiError):
    code = "MALFORMED_BODY"


def describe_error(exc):
    """``(status, body)`` for any exception; unexpected ones become a 500
    that says nothing about internals (they are logged instead)."""
    if isinstance(exc, ChunkReadError):
        exc = MalformedBody(f"the request body is not valid chunked transfer encoding: {exc}")
    if isinstance(exc, ClientDisconnected):  # werkzeug: fewer bytes than Content-Length said
        exc = MalformedBody("the request body ended before the length its Content-Length header gives")
    if isinstance(exc, ValidationError):
        return 400, _body("VALIDATION_ERROR", "the request did not validate", {"fields": exc.messages})
    if isinstance(exc, ObservatoryError) and exc.status == 501:  # not implemented (SDMX, vintages): an answer
        return exc.status, _body(exc.code, exc.message, exc.details)
    if isinstance(exc, ObservatoryError) and exc.status < 500 or isinstance(exc, ServiceUnavailable):
        return exc.status, _body(exc.code, exc.message, exc.details)  # raised here or in a service, over RPC
    if isinstance(exc, HTTPException):
        code = (exc.name or "error").upper().replace(" ", "_")
        return exc.code or 500, _body(code, exc.description or exc.name, {})
    log.exception("unexpected error answering a request", exc_info=exc)
    return 500, _body("INTERNAL_ERROR", "an unexpected error occurred; it has been logged", {})


def _body(code, message, details):
    return {"error": code, "message": message, "details": details or {}}
