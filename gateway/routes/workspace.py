"""The member workspace (issue 21): an institution's saved corridor sets and
watch lists, its plan's progress, its proposals, alerts and peer-learning
threads, and its scheduled exports. A member token acts on its own only."""
from gateway.auth import MEMBER
from gateway.routes.table import API, Route
from observatory.contracts.capacity import WorkspaceSchema
from observatory.contracts.capacity_answers import WorkspaceAnswerSchema
from observatory.contracts.scheduled_exports import (
    ScheduledExportCreateSchema,
    ScheduledExportEditSchema,
    ScheduledExportListSchema,
    ScheduledExportSchema,
)

MINE = (400, 401, 403)

ROUTES = (
    Route("GET", f"{API}/workspace", "get_workspace",
          "Your workspace: corridor sets, watch lists, plan progress, requests, proposals, alerts, exports",
          roles=(MEMBER,), response=WorkspaceAnswerSchema, errors=(401, 403, 404, 503)),
    Route("PUT", f"{API}/workspace", "save_workspace", "Save your corridor sets and watch lists (replaced whole)",
          roles=(MEMBER,), body=WorkspaceSchema, response=WorkspaceAnswerSchema, errors=(*MINE, 404, 413, 415)),
    Route("POST", f"{API}/workspace/exports", "create_scheduled_export",
          "Schedule an export (a dataflow or a corridor set, CSV or SDMX-CSV, by email or signed webhook); "
          "the first is delivered at once; a webhook's whsec_ secret is in this answer only",
          roles=(MEMBER,), body=ScheduledExportCreateSchema, response=ScheduledExportSchema,
          errors=(*MINE, 404, 413, 415), status=201),
    Route("GET", f"{API}/workspace/exports", "list_scheduled_exports", "Your scheduled exports and their last run",
          roles=(MEMBER,), response=ScheduledExportListSchema, errors=MINE),
    Route("PATCH", f"{API}/workspace/exports/<export_id>", "change_scheduled_export",
          "Change a scheduled export's name, cadence or content (audited; a new channel is a new export)",
          roles=(MEMBER,), body=ScheduledExportEditSchema, response=ScheduledExportSchema,
          errors=(*MINE, 404, 413, 415)),
    Route("DELETE", f"{API}/workspace/exports/<export_id>", "delete_scheduled_export", "Stop a scheduled export",
          roles=(MEMBER,), response=ScheduledExportSchema, errors=(401, 403, 404)),
)
