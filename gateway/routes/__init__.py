"""The gateway's routes, declared once: one table per resource (method, path,
roles, query schema, body schema, response schema, errors). ``wire`` turns
each entry into a nameko HTTP entrypoint on the service class that checks the
role, validates the query and body, and calls the entry's handler; the same
tables are what the OpenAPI description is generated from. Adding an
endpoint is one entry plus its handler, a method of its resource
(``gateway.resources``)."""
from gateway.routes.admin import ROUTES as ADMIN
from gateway.routes.alerts import ROUTES as ALERTS
from gateway.routes.analysis import ROUTES as ANALYSIS
from gateway.routes.credentials import ROUTES as CREDENTIALS
from gateway.routes.datasets import ROUTES as DATASETS
from gateway.routes.exports import ROUTES as EXPORTS
from gateway.routes.pages import ROUTES as PAGES
from gateway.routes.platform import ROUTES as PLATFORM
from gateway.routes.practices import ROUTES as PRACTICES
from gateway.routes.providers import ROUTES as PROVIDERS
from gateway.routes.published import ROUTES as PUBLISHED
from gateway.routes.submissions import ROUTES as SUBMISSIONS
from gateway.routes.sdmx import ROUTES as SDMX
from gateway.routes.table import Call, Route, tagged, wire
from gateway.routes.capacity_pages import ROUTES as CAPACITY_PAGES
from gateway.routes.learning import ROUTES as LEARNING
from gateway.routes.members import ROUTES as MEMBERS
from gateway.routes.plans import ROUTES as PLANS
from gateway.routes.requests import ROUTES as REQUESTS
from gateway.routes.workspace import ROUTES as WORKSPACE

ROUTES = (*tagged("platform", PLATFORM), *tagged("credentials", CREDENTIALS), *tagged("datasets", DATASETS),
          *tagged("published figures", PUBLISHED), *tagged("providers", PROVIDERS), *tagged("practices", PRACTICES),
          *tagged("alerts", ALERTS), *tagged("open data", EXPORTS), *tagged("pages", PAGES),
          *tagged("operations", ADMIN))
ROUTES += (*tagged("national submissions", SUBMISSIONS),
           *tagged("member institutions", MEMBERS), *tagged("learning resources", LEARNING),
           *tagged("peer-learning requests", REQUESTS), *tagged("national plans", PLANS),
           *tagged("workspace", WORKSPACE), *tagged("pages", CAPACITY_PAGES),
           *tagged("policy analysis", ANALYSIS),
           *tagged("sdmx", SDMX))

__all__ = ["ROUTES", "Call", "Route", "wire"]
