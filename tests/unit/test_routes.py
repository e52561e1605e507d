"""The route tables are the one place routes are declared."""
import inspect

import pytest

from gateway.routes import ROUTES, Route, wire
from gateway.service import GatewayService


def _http_entrypoints(cls):
    found = {}
    for name, member in inspect.getmembers(cls):
        for extension in getattr(member, "nameko_entrypoints", ()):
            if hasattr(extension, "url"):
                found[name] = (extension.method, extension.url)
    return found


def test_every_api_entrypoint_comes_from_a_route_table_entry():
    entrypoints = _http_entrypoints(GatewayService)
    declared = {f"http_{r.handler}": (r.method, r.path) for r in ROUTES}
    assert {k: v for k, v in entrypoints.items() if k != "unknown_route"} == declared
    assert len({(r.method, r.path) for r in ROUTES}) == len(ROUTES)  # no route declared twice


def test_a_route_without_its_handler_is_refused_when_wired():
    class Service:
        pass

    with pytest.raises(TypeError, match="no handler"):
        wire(Service, [Route("GET", "/api/v1/nothing", "nothing", "a route nobody answers")])


def test_routes_that_need_a_role_say_they_answer_401_and_403():
    for route in ROUTES:
        if route.roles and route.handler != "whoami":
            assert {401, 403} <= set(route.errors), route.path


def test_the_openapi_description_is_valid_and_describes_every_route():
    from openapi_spec_validator import validate

    from gateway.openapi import build_spec

    spec = build_spec(ROUTES)
    validate(spec)  # raises on anything the OpenAPI 3 specification does not allow
    for route in ROUTES:
        path = route.path.replace("<", "{").replace(">", "}")
        operation = spec["paths"][path][route.method.lower()]
        assert str(route.status) in operation["responses"], route.path
        assert {str(s) for s in route.errors} <= set(operation["responses"]), route.path
        assert ("security" in operation) == bool(route.roles), route.path
    corridor = spec["paths"]["/api/v1/corridors/{source}/{destination}"]["get"]
    assert corridor["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Corridor"}
    period = next(p for p in corridor["parameters"] if p["name"] == "period")
    assert period["in"] == "query" and period["schema"]["pattern"] == r"^\d{4}Q[1-4]$"
