"""National remittance plans (issue 21): an institution records its plan
(baseline, targets by year, corridors, measures, practices); anyone reads it
with its progress computed from the published figures."""
from gateway.auth import MEMBER, OPERATOR
from gateway.routes.table import API, Route
from observatory.contracts.capacity import PlanSchema
from observatory.contracts.capacity_answers import PlanAnswerSchema

ENTRY = f"{API}/plans/<member_id>"

ROUTES = (
    Route("PUT", ENTRY, "save_plan", "Record the institution's plan, replaced whole (its institution or an operator)",
          roles=(OPERATOR, MEMBER), body=PlanSchema, response=PlanAnswerSchema,
          errors=(400, 401, 403, 404, 413, 415, 503)),
    Route("GET", ENTRY, "get_plan",
          "A plan and each target's progress (met, on_track, off_track, no_data) from the published figures",
          response=PlanAnswerSchema, errors=(401, 404, 503)),
)
