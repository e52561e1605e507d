"""The route tables are the one place routes are declared."""
import inspect
import re

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
    catch_alls = ("unknown_route", "unknown_sdmx_route")  # the JSON 404s of unknown /api/v1 and /sdmx paths
    assert {k: v for k, v in entrypoints.items() if k not in catch_alls} == declared
    assert len({(r.method, r.path) for r in ROUTES}) == len(ROUTES)  # no route declared twice


def test_a_route_without_its_handler_is_refused_when_wired():
    class Service:
        pass

    with pytest.raises(TypeError, match="no handler"):
        wire(Service, [Route("GET", "/api/v1/nothing", "nothing", "a route nobody answers")])


def test_a_route_two_resources_answer_is_refused_when_wired():
    class Service:
        pass

    class Providers:
        def list_providers(self, request, call):
            return {}

    class Directory:
        def list_providers(self, request, call):
            return {}

    route = Route("GET", "/api/v1/providers", "list_providers", "which resource answers?")
    with pytest.raises(TypeError, match="which one"):
        wire(Service, [route], (Providers, Directory))
    assert callable(getattr(wire(Service, [route], (Providers,)), "http_list_providers"))


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
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.path)
        operation = spec["paths"][path][route.method.lower()]
        assert str(route.status) in operation["responses"], route.path
        statuses = {str(e[0] if isinstance(e, tuple) else e) for e in route.errors}
        assert statuses <= set(operation["responses"]), route.path
        assert ("security" in operation) == bool(route.roles), route.path
        assert ("408" in operation["responses"]) == ("requestBody" in operation), route.path  # a stalled body
    corridor = spec["paths"]["/api/v1/corridors/{source}/{destination}"]["get"]
    assert corridor["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Corridor"}
    period = next(p for p in corridor["parameters"] if p["name"] == "period")
    assert period["in"] == "query" and period["schema"]["pattern"] == r"^[0-9]{4}Q[1-4]$"


def test_every_json_answer_is_dumped_through_a_declared_response_schema():
    undeclared = [route.path for route in ROUTES
                  if route.media == "application/json" and route.response is None and route.handler != "openapi"]
    assert undeclared == []


def test_only_declared_fields_leave_the_gateway():
    import json

    from gateway.routes.table import Reply, answer
    from observatory.contracts.datasets import UploadAnswerSchema

    route = Route("POST", "/api/v1/datasets", "upload_dataset", "upload", response=UploadAnswerSchema, status=202)
    internal = {"id": "3f2a9c0d41b7e655", "status": "queued", "duplicate": False, "upload_id": "secret-ish"}
    response = answer(route, internal)
    assert response.status_code == 202
    assert json.loads(response.get_data()) == {"id": "3f2a9c0d41b7e655", "status": "queued", "duplicate": False}
    again = answer(route, Reply({**internal, "duplicate": True}, 200, {"Location": "/api/v1/datasets/3f2a9c0d41b7e655"}))
    assert again.status_code == 200 and again.headers["Location"].endswith("3f2a9c0d41b7e655")


def test_the_openapi_examples_are_answers_of_their_routes_schema_taken_from_the_bundled_data():
    from gateway.examples import REQUESTS, examples, is_trimmed_from
    from gateway.openapi import build_spec

    by_handler = {route.handler: route for route in ROUTES}
    assert set(examples()) == set(REQUESTS)
    spec = build_spec(ROUTES)
    for handler, example in examples().items():
        route = by_handler[handler]
        assert route.response().validate(example) == {}, handler  # unknown fields refused too
        path = route.path.replace("<", "{").replace(">", "}")
        assert spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["example"] == example
    corridor = examples()["corridor"]  # ARE→NPL 2014Q1 as the DataBank publishes it, observed from 18 quotes
    assert round(corridor["average_total_cost_pct"], 4) == round(corridor["official_average_pct"], 4)
    assert round(examples()["indicators"]["global_weighted_average_pct"], 2) == 5.91  # RPW issue 9
    assert is_trimmed_from(corridor, {**corridor, "extra": 1}) and not is_trimmed_from({**corridor, "services": 0},
                                                                                         corridor)


def _unbounded(schema, components, where, seen):
    """Where a request schema leaves a string, array or number without its bound."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return [] if name in seen else _unbounded(components[name], components, name, seen | {name})
    found = []
    kind = schema.get("type")
    if kind == "string" and not {"maxLength", "pattern", "enum"} & set(schema) and schema.get("format") != "uuid":
        found.append(where)
    if kind == "array" and "maxItems" not in schema:
        found.append(where)
    if kind in ("integer", "number") and "maximum" not in schema:
        found.append(where)
    for name, child in schema.get("properties", {}).items():
        found += _unbounded(child, components, f"{where}.{name}", seen)
    if "items" in schema:
        found += _unbounded(schema["items"], components, f"{where}[]", seen)
    return found


def test_the_openapi_description_states_the_bound_of_every_value_a_client_sends():
    """A generated client then only sends what the API accepts (issue 17, point 9)."""
    from gateway.openapi import build_spec

    spec = build_spec(ROUTES)
    components, unbounded = spec["components"]["schemas"], []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "header":  # If-Match: an ETag, compared, never stored
                    unbounded += _unbounded(parameter["schema"], components, f"{method} {path} {parameter['name']}",
                                            set())
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                if media == "application/json":
                    unbounded += _unbounded(content["schema"], components, f"{method} {path} body", set())
    assert unbounded == []


def test_the_path_value_patterns_are_the_ones_the_api_enforces():
    """What the description says a path value looks like is what the gateway takes, and no more."""
    from marshmallow import ValidationError

    from gateway.openapi import build_spec
    from gateway.paths import dataset_id_from_path, iso3_from_path
    from observatory.contracts.catalog import PROVIDER_ID
    from services.catalog.resolution import slug
    from tests.unit.test_catalog_registry import real_firms

    spec = build_spec(ROUTES)
    parameters = {p["name"]: p["schema"] for operations in spec["paths"].values()
                  for operation in operations.values() for p in operation.get("parameters", []) if p["in"] == "path"}
    checks = {"iso3": iso3_from_path, "source": iso3_from_path, "destination": iso3_from_path,
              "dataset_id": dataset_id_from_path, "provider_id": PROVIDER_ID}
    samples = {"iso3": ["NPL", "npl", "Bgd"], "dataset_id": ["0123456789abcdef"],
               "provider_id": [slug(f["name"]) for f in real_firms()]}
    refused = {"iso3": ["NP", "NEPL", "NP1", "NPL\n", "ÑPL"], "dataset_id": ["0123456789ABCDEF", "0123"],
               "provider_id": ["Western-Union", "-x", "x" * 121]}
    for name, check in checks.items():
        pattern = re.compile(parameters[name]["pattern"])
        for value in samples.get(name, samples["iso3"]):
            assert pattern.fullmatch(value) and len(value) <= parameters[name]["maxLength"], (name, value)
            check(value)
        for value in refused.get(name, refused["iso3"]):
            too_long = len(value) > parameters[name]["maxLength"]
            assert too_long or not pattern.fullmatch(value), (name, value)
            with pytest.raises(ValidationError):
                check(value)
