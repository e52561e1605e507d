"""What a route is, and how an entry becomes a nameko HTTP entrypoint."""
import dataclasses

from werkzeug.wrappers import Response

from gateway.auth import require_role
from gateway.exceptions import Unauthorized
from gateway.http import http, json_response, read_json, read_query
from gateway.schemas import NoQuerySchema

API = "/api/v1"


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    path: str  # a werkzeug rule: /api/v1/corridors/<source>/<destination>
    handler: str  # the method of the resource that answers (gateway.resources)
    summary: str
    roles: tuple = ()  # empty: anyone, no token needed
    query: type | None = NoQuerySchema  # unknown parameters are refused
    body: type | None = None  # a JSON body loaded with this schema
    body_required: bool = True  # False: an empty body means {}
    body_media: str | None = None  # a body the handler streams itself (uploads)
    response: type | None = None  # the answer's schema
    errors: tuple = ()  # statuses it may answer besides its success (status, or (status, body schema))
    status: int = 200  # its success
    media: str = "application/json"  # what it answers
    tag: str = ""  # the resource it belongs to (its table)
    if_match: bool = False  # a write that needs If-Match with the entry's ETag


@dataclasses.dataclass(frozen=True)
class Call:
    """What a handler gets: the caller, the validated query and body, the path
    values, and the route's response schema (for answers it serialises itself)."""

    principal: object
    params: dict
    body: object
    path: dict
    response_schema: object = None


@dataclasses.dataclass(frozen=True)
class Reply:
    """A handler's answer when the route's success status or headers are not enough."""

    payload: object
    status: int | None = None
    headers: dict | None = None


class Schemas:
    """A route's schemas, instantiated once: building a marshmallow schema
    deep-copies its fields, which costs more than a cached read itself."""

    def __init__(self, route):
        self.query = route.query() if route.query else None
        self.body = route.body() if route.body else None
        self.response = route.response() if route.response else None


def _read_body(request, route, schema):
    if schema is None:
        return None
    chunked = request.headers.get("Transfer-Encoding", "").lower() == "chunked"
    if not route.body_required and not request.content_length and not chunked:
        return {}
    return read_json(request, schema)


def answer(route, result, response_schema=None):
    """Dump a handler's result through the route's response schema (only
    declared fields leave the gateway); a ready Response passes as it is."""
    if isinstance(result, Response):
        return result
    reply = result if isinstance(result, Reply) else Reply(result)
    schema = response_schema or (route.response() if route.response else None)
    payload = schema.dump(reply.payload) if schema else reply.payload
    return json_response(payload, reply.status or route.status, reply.headers)


def _entrypoint(route, resource_cls):
    schemas = Schemas(route)

    def entrypoint(self, request, **path):
        try:
            principal, refused = self.auth.principal(request), None
        except Unauthorized as exc:  # a bad token: counted against the address, then refused
            principal, refused = None, exc
        self.rate_limits.check(request, principal)
        if refused is not None:
            raise refused
        principal = require_role(principal, *route.roles) if route.roles else principal
        params = read_query(request, schemas.query) if schemas.query else {}
        body = _read_body(request, route, schemas.body)
        handler = getattr(self.resource(resource_cls), route.handler)
        return answer(route, handler(request, Call(principal, params, body, path, schemas.response)), schemas.response)

    entrypoint.__name__ = entrypoint.__qualname__ = f"http_{route.handler}"
    entrypoint.__doc__ = route.summary
    return http(route.method, route.path, html_errors=route.media == "text/html")(entrypoint)


def tagged(tag, routes):
    return tuple(dataclasses.replace(route, tag=tag) for route in routes)


def resource_answering(route, resources):
    """The one resource class with the route's handler."""
    found = [cls for cls in resources if callable(getattr(cls, route.handler, None))]
    if not found:
        raise TypeError(f"no handler {route.handler} for {route.method} {route.path}")
    if len(found) > 1:
        raise TypeError(f"{route.handler} is a handler of {len(found)} resources: which one answers?")
    return found[0]


def wire(service_cls, routes, resources=()):
    """Add one nameko HTTP entrypoint per route to ``service_cls``: it checks
    the role, validates the query and body, and calls the handler on the
    resource ``service_cls.resource(resource_cls)`` builds for the request."""
    for route in routes:
        setattr(service_cls, f"http_{route.handler}", _entrypoint(route, resource_answering(route, resources)))
    return service_cls
