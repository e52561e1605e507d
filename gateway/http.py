"""JSON over nameko's HTTP entrypoint.

``http`` is nameko's ``@http`` with every error (raised in a handler, or from
werkzeug routing: unknown path, wrong method) answered as a JSON error body
mapped in ``gateway.exceptions.describe_error``.
"""
import json

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from marshmallow import ValidationError

from gateway.cors import with_cors
from gateway.pages import error_page
from gateway.server import BoundedWebServer
from gateway.exceptions import InvalidJson, PayloadTooLarge, UnsupportedMediaType, describe_error
from observatory.errors import ObservatoryError

JSON = "application/json"


def json_response(payload, status=200, headers=None):
    return Response(json.dumps(payload, default=str, allow_nan=False), status=status, headers=headers, mimetype=JSON)


def cached_response(request, body, etag, cache_control, mimetype=JSON, headers=None):
    """A published read in any format (JSON, HTML, CSV, iCalendar): 304 when
    the client already holds this version (``etag``)."""
    if etag is None:  # an incomplete answer: not to be kept by anyone
        return Response(body, status=200, headers={"Cache-Control": "no-store", **(headers or {})}, mimetype=mimetype)
    headers = {"ETag": etag, "Cache-Control": cache_control, **(headers or {})}
    if request.if_none_match and (request.if_none_match.star_tag or request.if_none_match.contains(etag.strip('"'))):
        return Response(status=304, headers=headers)
    return Response(body, status=200, headers=headers, mimetype=mimetype)


def error_response(exc, html=False):
    """The JSON error; for a page (``html``), the same code and message as a page for people."""
    status, body = describe_error(exc)
    headers = {"Retry-After": "5"} if status == 503 else {}
    if isinstance(exc, ObservatoryError) and hasattr(exc, "response_headers"):
        headers.update(exc.response_headers())
    if html:
        return Response(error_page(status, body), status=status, headers=headers or None, mimetype="text/html")
    return json_response(body, status, headers or None)


def wants_html(request):
    """A browser (it prefers HTML; ``*/*`` gets JSON) asking for something
    outside the API, such as a mistyped page address."""
    return not request.path.startswith("/api/") and \
        request.accept_mimetypes.best_match([JSON, "text/html"]) == "text/html"


MAX_JSON_BYTES = 1024 * 1024  # no JSON request of this API comes near it
MAX_JSON_DEPTH = 32


def read_body(request, limit):
    """At most ``limit`` bytes of the body; 413 past it, whether or not the
    client said how long it is (chunked bodies do not)."""
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"JSON bodies are limited to {limit:,} bytes", {"limit": limit,
                                                                             "content_length": request.content_length})
    data = _read_up_to(request.stream, limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"JSON bodies are limited to {limit:,} bytes", {"limit": limit})
    return data


def _read_up_to(stream, size):
    """Read until ``size`` bytes or the body's end: one read returns what the
    network gave so far, and a body shorter than its Content-Length is only
    found out (ClientDisconnected, 400) by reading on to its end."""
    parts, got = [], 0
    while got < size:
        part = stream.read(size - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def read_json(request, schema, limit=MAX_JSON_BYTES):
    """Load the request's JSON object body with a marshmallow ``schema``
    (unknown fields are rejected: marshmallow's default is RAISE)."""
    if request.mimetype != JSON:
        raise UnsupportedMediaType(f"send {JSON}", {"content_type": request.mimetype or None})
    data = read_body(request, limit)
    try:
        payload = json.loads(data or b"null")
    except RecursionError:
        raise InvalidJson(f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError as exc:  # includes bytes that are not UTF-8
        raise InvalidJson(f"the body is not valid JSON: {exc}") from None
    check_json_value(payload)
    return schema.load(payload)


def check_json_value(value):
    """Depth within MAX_JSON_DEPTH and text that is real Unicode (JSON lets
    ``"\\ud800"``, a lone surrogate, through: it cannot be stored or encoded)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InvalidJson(f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_text(key)
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def _check_text(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidJson("the JSON holds a string that is not valid Unicode (a lone surrogate)") from None


class JsonWsgiApp(WsgiApp):
    def __call__(self, environ, start_response):
        if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
            # eventlet de-chunks wsgi.input but does not say so; without this
            # flag werkzeug reads a body without Content-Length as empty
            environ["wsgi.input_terminated"] = True
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
            request.path_values = values
            response = provider.handle_request(request)
        except HTTPException as exc:
            response = error_response(exc, html=wants_html(request))
        return with_cors(request.path, response)(environ, start_response)


class JsonWebServer(BoundedWebServer):
    def get_wsgi_app(self):
        return JsonWsgiApp(self)


class JsonHttpEntrypoint(HttpRequestHandler):
    server = JsonWebServer()

    def __init__(self, method, url, html_errors=False, **kwargs):
        # client errors are answers, not faults: logged as warnings by nameko
        kwargs.setdefault("expected_exceptions", (ObservatoryError, ValidationError, HTTPException))
        self.html_errors = html_errors  # a page: its errors are pages too
        super().__init__(method, url, **kwargs)

    def response_from_exception(self, exc):
        return error_response(exc, html=self.html_errors)


http = JsonHttpEntrypoint.decorator


def read_query(request, schema):
    """Validate the query string: unknown parameters are rejected, and so is
    a parameter given twice (which value was meant?)."""
    repeated = sorted(name for name, values in request.args.lists() if len(values) > 1)
    if repeated:
        raise ValidationError({name: ["given more than once"] for name in repeated})
    return schema.load(request.args.to_dict())
