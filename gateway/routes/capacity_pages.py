"""The capacity-building pages (issue 21): the learning library, the
peer-learning requests, a member institution, a country's plans, the workspace."""
from gateway.routes.table import Route
from gateway.schemas import FormQuery
from observatory.contracts.capacity import ResourceQuerySchema
from observatory.contracts.capacity_answers import PeerRequestQuerySchema

HTML = "text/html"


class ResourcePageQuerySchema(FormQuery, ResourceQuerySchema):
    class Meta:
        exclude = ("status",)  # the pages show what is published


class RequestPageQuerySchema(FormQuery, PeerRequestQuerySchema):
    class Meta:
        exclude = ("status", "member_id")


ROUTES = (
    Route("GET", "/resources", "page_resources", "Learning resources and events, searched by words, theme, kind",
          query=ResourcePageQuerySchema, media=HTML, errors=(400,)),
    Route("GET", "/resources/<resource_id>", "page_resource", "A published learning resource", media=HTML,
          errors=(404,)),
    Route("GET", "/requests", "page_requests", "Published peer-learning requests, by theme",
          query=RequestPageQuerySchema, media=HTML, errors=(400,)),
    Route("GET", "/requests/<request_id>", "page_request", "A peer-learning request, its answers and suggestions",
          media=HTML, errors=(404,)),
    Route("GET", "/members/<member_id>", "page_member", "A member institution and its listed focal points",
          media=HTML, errors=(404,)),
    Route("GET", "/countries/<iso3>/plans", "page_country_plans",
          "The national remittance plans of a country and their progress from the published figures", media=HTML,
          errors=(400, 404)),
    Route("GET", "/workspace", "page_workspace", "The member workspace (with a member token, in the browser)",
          media=HTML),
)
