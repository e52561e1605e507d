"""Health and the API's index."""
from gateway.routes.table import API, Route
from gateway.schemas import ApiIndexSchema, HealthSchema

ROUTES = (
    Route("GET", "/health", "health", "Each service's status: 200 when all answer in time, 503 otherwise",
          response=HealthSchema, errors=((503, HealthSchema),)),
    Route("GET", API, "api_index", "What the API offers (answered by the gateway alone)",
          response=ApiIndexSchema),
    Route("GET", f"{API}/openapi.json", "openapi", "This API's OpenAPI 3 description"),
    Route("GET", "/docs", "docs", "The API described for people (Redoc)", media="text/html"),
    Route("GET", "/docs/redoc.standalone.js", "docs_script", "The Redoc renderer, vendored (MIT)",
          media="application/javascript"),
)
