"""The best-practice library: anyone reads what is published; operators write."""
from gateway.auth import OPERATOR
from gateway.routes.table import API, Route
from observatory.contracts.catalog import (
    ImportAnswerSchema,
    PracticeCreateSchema,
    PracticeEditSchema,
    PracticeImportSchema,
    PracticeListSchema,
    PracticeQuerySchema,
    PracticeSchema,
)

WRITE_ERRORS = (400, 401, 403, 404, 413, 415)
ENTRY = f"{API}/practices/<practice_id>"

ROUTES = (
    Route("GET", f"{API}/practices", "list_practices",
          "Search published practices by words (title above summary above body), theme and country",
          query=PracticeQuerySchema, response=PracticeListSchema, errors=(400, 401)),
    Route("POST", f"{API}/practices", "create_practice", "Add a practice (a draft unless status is published)",
          roles=(OPERATOR,), body=PracticeCreateSchema, response=PracticeSchema, errors=(*WRITE_ERRORS, 409),
          status=201),
    Route("POST", f"{API}/practices/import", "import_practices", "Add practices from JSON ({\"items\": [...]})",
          roles=(OPERATOR,), body=PracticeImportSchema, response=ImportAnswerSchema, errors=WRITE_ERRORS),
    Route("POST", f"{API}/practices/import.csv", "import_practices_csv",
          "Add practices from CSV (id, title, summary, body, countries and themes separated by ';', source_title, "
          "source_publisher, source_year, source_url, status)", roles=(OPERATOR,), body_media="text/csv",
          response=ImportAnswerSchema, errors=WRITE_ERRORS),
    Route("GET", ENTRY, "get_practice", "One practice (drafts: operators only)", response=PracticeSchema,
          errors=(401, 404)),
    Route("PATCH", ENTRY, "update_practice", "Edit a practice", roles=(OPERATOR,), body=PracticeEditSchema,
          response=PracticeSchema, errors=(*WRITE_ERRORS, 412, 428), if_match=True),
    Route("POST", f"{ENTRY}/publish", "publish_practice", "Publish a draft (announced as practice.published)",
          roles=(OPERATOR,), response=PracticeSchema, errors=(401, 403, 404)),
)
