"""Peer-learning requests (issue 21): a member institution asks on a theme or
a corridor; an operator publishes it (announced as request.published: notify
alerts the institutions that follow the theme); others answer; the asker
marks what helped."""
from gateway.auth import MEMBER, OPERATOR
from gateway.routes.table import API, Route
from observatory.contracts.capacity import ModerationSchema, PeerAnswerSchema, PeerRequestCreateSchema
from observatory.contracts.capacity_answers import (
    PeerRequestAnswerSchema,
    PeerRequestListSchema,
    PeerRequestQuerySchema,
    SuggestionsSchema,
)

WRITE_ERRORS = (400, 401, 403, 404, 413, 415)
ENTRY = f"{API}/requests/<request_id>"

ROUTES = (
    Route("GET", f"{API}/requests", "list_requests",
          "Published requests (?status= proposed or rejected: operators, or an institution's own with ?member_id=)",
          query=PeerRequestQuerySchema, response=PeerRequestListSchema, errors=(400, 401, 403)),
    Route("POST", f"{API}/requests", "ask_peers",
          "Ask the other member states (proposed until an operator publishes it; the same request_id asks once)",
          roles=(MEMBER,), body=PeerRequestCreateSchema, response=PeerRequestAnswerSchema, errors=WRITE_ERRORS,
          status=201),
    Route("GET", ENTRY, "get_request", "One request with its answers (proposed: operators and its asker)",
          response=PeerRequestAnswerSchema, errors=(401, 404)),
    Route("GET", f"{ENTRY}/suggestions", "request_suggestions",
          "What fits the request: practices and resources of its theme, and the member institutions that adopted "
          "them or whose corridors improved most", response=SuggestionsSchema, errors=(401, 404, 503)),
    Route("POST", f"{ENTRY}/moderate", "moderate_request", "Publish or reject a proposed request",
          roles=(OPERATOR,), body=ModerationSchema, response=PeerRequestAnswerSchema, errors=(*WRITE_ERRORS, 409)),
    Route("POST", f"{ENTRY}/answers", "answer_request", "Answer a published request (another institution)",
          roles=(MEMBER,), body=PeerAnswerSchema, response=PeerRequestAnswerSchema, errors=(*WRITE_ERRORS, 409),
          status=201),
    Route("POST", f"{ENTRY}/answers/<answer_id>/helpful", "mark_answer_helpful",
          "Mark the answer that helped (the asker, or an operator)", roles=(OPERATOR, MEMBER),
          response=PeerRequestAnswerSchema, errors=(401, 403, 404)),
)
