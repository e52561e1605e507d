"""JSON over nameko's HTTP entrypoint.

``http`` is nameko's ``@http`` with every error (raised in a handler, or from
werkzeug routing: unknown path, wrong method) answered as a JSON error body
mapped in ``gateway.exceptions.describe_error``.
"""
import json

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from marshmallow import ValidationError

from gateway.exceptions import InvalidJson, UnsupportedMediaType, describe_error
from observatory.errors import ObservatoryError

JSON = "application/json"


def json_response(payload, status=200, headers=None):
    return Response(json.dumps(payload, default=str), status=status, headers=headers, mimetype=JSON)


def error_response(exc):
    status, body = describe_error(exc)
    headers = {"Retry-After": "5"} if status == 503 else None
    return json_response(body, status, headers)


def read_json(request, schema):
    """Load the request's JSON object body with a marshmallow ``schema``
    (unknown fields are rejected: marshmallow's default is RAISE)."""
    if request.mimetype != JSON:
        raise UnsupportedMediaType(f"send {JSON}", {"content_type": request.mimetype or None})
    try:
        payload = json.loads(request.get_data(cache=False) or b"null")
    except ValueError as exc:
        raise InvalidJson(f"the body is not valid JSON: {exc}") from None
    return schema.load(payload)


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
            response = error_response(exc)
        return response(environ, start_response)


class JsonWebServer(WebServer):
    def get_wsgi_app(self):
        return JsonWsgiApp(self)


class JsonHttpEntrypoint(HttpRequestHandler):
    server = JsonWebServer()

    def __init__(self, method, url, **kwargs):
        # client errors are answers, not faults: logged as warnings by nameko
        kwargs.setdefault("expected_exceptions", (ObservatoryError, ValidationError, HTTPException))
        super().__init__(method, url, **kwargs)

    def response_from_exception(self, exc):
        return error_response(exc)


http = JsonHttpEntrypoint.decorator


def read_query(request, schema):
    """Validate the query string (unknown parameters are rejected)."""
    return schema.load(request.args.to_dict())
