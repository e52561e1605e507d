"""Learning resources and events (issue 21): anyone searches what is
published; operators curate, member institutions propose (moderated); the
events are an iCalendar feed."""
from gateway.auth import MEMBER, OPERATOR
from gateway.routes.table import API, Route
from observatory.contracts.capacity import ModerationSchema, ResourceCreateSchema, ResourceQuerySchema
from observatory.contracts.capacity_answers import ResourceAnswerSchema, ResourceListSchema

WRITE_ERRORS = (400, 401, 403, 404, 413, 415)
ENTRY = f"{API}/resources/<resource_id>"

ROUTES = (
    Route("GET", f"{API}/resources", "list_resources",
          "Search guides, courses, toolkits, workshops and webinars by words, theme and kind (ranked like "
          "the practice library)", query=ResourceQuerySchema, response=ResourceListSchema, errors=(400, 401, 403)),
    Route("POST", f"{API}/resources", "create_resource",
          "Add a resource: an operator's is published, a member institution's is proposed for moderation",
          roles=(OPERATOR, MEMBER), body=ResourceCreateSchema, response=ResourceAnswerSchema,
          errors=(*WRITE_ERRORS, 409), status=201),
    Route("GET", f"{API}/resources/events.ics", "resources_calendar",
          "Published workshops and webinars as an iCalendar feed", media="text/calendar"),
    Route("GET", ENTRY, "get_resource", "One resource (a proposal: operators and its proposer only)",
          response=ResourceAnswerSchema, errors=(401, 404)),
    Route("POST", f"{ENTRY}/moderate", "moderate_resource", "Publish or reject a proposed resource",
          roles=(OPERATOR,), body=ModerationSchema, response=ResourceAnswerSchema, errors=(*WRITE_ERRORS, 409)),
)
