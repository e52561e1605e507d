"""What a route is, and how an entry becomes a nameko HTTP entrypoint."""
import dataclasses

from gateway.http import http, read_json, read_query
from gateway.schemas import NoQuerySchema

API = "/api/v1"


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    path: str  # a werkzeug rule: /api/v1/corridors/<source>/<destination>
    handler: str  # the plain method of the service that answers
    summary: str
    roles: tuple = ()  # empty: anyone, no token needed
    query: type | None = NoQuerySchema  # unknown parameters are refused
    body: type | None = None  # a JSON body loaded with this schema
    body_media: str | None = None  # a body the handler streams itself (uploads)
    response: type | None = None  # the answer's schema
    errors: tuple = ()  # statuses it may answer besides its success
    status: int = 200  # its success
    media: str = "application/json"  # what it answers
    tag: str = ""  # the resource it belongs to (its table)


@dataclasses.dataclass(frozen=True)
class Call:
    """What a handler gets: the caller, the validated query and body, the path values."""

    principal: object
    params: dict
    body: object
    path: dict


def _entrypoint(route):
    def entrypoint(self, request, **path):
        principal = self.auth.require(request, *route.roles) if route.roles else None
        params = read_query(request, route.query()) if route.query else {}
        body = read_json(request, route.body()) if route.body else None
        return getattr(self, route.handler)(request, Call(principal, params, body, path))

    entrypoint.__name__ = entrypoint.__qualname__ = f"http_{route.handler}"
    entrypoint.__doc__ = route.summary
    return http(route.method, route.path)(entrypoint)


def tagged(tag, routes):
    return tuple(dataclasses.replace(route, tag=tag) for route in routes)


def wire(service_cls, routes):
    """Add one nameko HTTP entrypoint per route to ``service_cls``."""
    for route in routes:
        if not callable(getattr(service_cls, route.handler, None)):
            raise TypeError(f"{service_cls.__name__} has no handler {route.handler} for {route.method} {route.path}")
        setattr(service_cls, f"http_{route.handler}", _entrypoint(route))
    return service_cls
