"""National submissions (issue 19): reporting institutions, their tokens'
submissions (SDMX-CSV 1.0/2.0, SDMX-ML structure-specific, the xlsx
template), publication now or at an embargo date, and the upcoming releases."""
from gateway.auth import OPERATOR, REPORTER
from gateway.routes.table import API, Route
from observatory.contracts.national import (
    PublishRequestSchema,
    NationalHistorySchema,
    ReporterCreateSchema,
    ReporterListSchema,
    ReporterSchema,
    SubmissionListQuerySchema,
    SubmissionListSchema,
    SubmissionSchema,
    SubmitAnswerSchema,
    UpcomingReleasesSchema,
)
from observatory.contracts.common import PageQuerySchema

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ROUTES = (
    Route("POST", f"{API}/reporters", "create_reporter", "Register a reporting institution (central bank, "
          "statistics office) of a country", roles=(OPERATOR,), body=ReporterCreateSchema, response=ReporterSchema,
          errors=(400, 401, 403, 409, 413, 415), status=201),
    Route("GET", f"{API}/reporters", "list_reporters", "The reporting institutions", roles=(OPERATOR,),
          query=PageQuerySchema, response=ReporterListSchema, errors=(400, 401, 403)),
    Route("POST", f"{API}/submissions", "submit", "Submit national remittance statistics: the body is the file, "
          "its Content-Type says which format (application/vnd.sdmx.data+csv;version=2.0.0, "
          "application/vnd.sdmx.data+csv;version=1.0.0, application/vnd.sdmx.structurespecificdata+xml;"
          "version=2.1, or the xlsx template's type)", roles=(REPORTER,), body_media="text/csv",
          response=SubmitAnswerSchema, errors=(400, 401, 403, 409, 413, 415), status=202),
    Route("GET", f"{API}/submissions", "list_submissions", "Submissions, newest first (a reporter: its own)",
          roles=(REPORTER, OPERATOR), query=SubmissionListQuerySchema, response=SubmissionListSchema,
          errors=(400, 401, 403)),
    Route("GET", f"{API}/submissions/template.xlsx", "submission_template",
          "The spreadsheet template, generated from the NATIONAL_REMITTANCES structure", media=XLSX),
    Route("GET", f"{API}/submissions/<submission_id>", "get_submission",
          "A submission's status and row errors (a reporter: its own)", roles=(REPORTER, OPERATOR),
          response=SubmissionSchema, errors=(400, 401, 403, 404)),
    Route("POST", f"{API}/submissions/<submission_id>/publish", "publish_submission",
          "Publish a validated submission now, or at embargo_until", roles=(REPORTER, OPERATOR),
          body=PublishRequestSchema, body_required=False, response=SubmissionSchema,
          errors=(400, 401, 403, 404, 409, 413, 415)),
    Route("GET", f"{API}/exports/countries/<iso3>/national.sdmx.csv", "export_national_sdmx",
          "A country's published national statistics as SDMX-CSV 2.0 (dataflow OBSERVATORY:NATIONAL_REMITTANCES(1.0))",
          media="text/csv", errors=(400,)),
    Route("GET", f"{API}/countries/<iso3>/national/revisions", "national_revisions",
          "Every published national observation of a country with the values it replaced (one per publication)",
          response=NationalHistorySchema, errors=(400,)),
    Route("GET", f"{API}/releases/upcoming", "upcoming_releases", "Embargoed national releases to come "
          "(dates only, never a figure)", response=UpcomingReleasesSchema),
)
