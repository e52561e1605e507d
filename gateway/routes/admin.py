"""Operations: the dead-letter queue."""
from gateway.auth import OPERATOR
from gateway.routes.table import API, Route
from gateway.schemas import DeadLetterListSchema, DeadLetterQuerySchema, ReplayAnswerSchema, ReplayRequestSchema

ROUTES = (
    Route("GET", f"{API}/admin/dead-letters", "list_dead_letters", "Messages that failed every attempt",
          roles=(OPERATOR,), query=DeadLetterQuerySchema, response=DeadLetterListSchema, errors=(400, 401, 403)),
    Route("POST", f"{API}/admin/dead-letters/replay", "replay_dead_letters",
          "Send dead letters back to their queues (all, or by event id)", roles=(OPERATOR,),
          body=ReplayRequestSchema, body_required=False, response=ReplayAnswerSchema, errors=(400, 401, 403, 413, 415)),
)
