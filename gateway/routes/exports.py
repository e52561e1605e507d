"""Open data: the published figures as CSV and SDMX-CSV, and a calendar of releases."""
from gateway.routes.table import API, Route
from gateway.schemas import AsOfQuerySchema, PageSchema, PeriodAsOfQuerySchema
from observatory.contracts.datasets import ReleaseListSchema

CSV = "text/csv"
PINNED = "; asOf: as published then; the Link header names its permalink (the vintage pinned)"

ROUTES = (
    Route("GET", f"{API}/exports/corridors.csv", "export_corridors_csv",
          "Every corridor's figures of a quarter (default: the latest), one row per series" + PINNED, query=PeriodAsOfQuerySchema,
          media=CSV, errors=(400, 404)),
    Route("GET", f"{API}/exports/corridors.sdmx.csv", "export_corridors_sdmx",
          "The quarter of the RPW_CORRIDOR_COST dataflow as SDMX-CSV 1.0 (OBSERVATORY:RPW_CORRIDOR_COST(1.0))" + PINNED, query=PeriodAsOfQuerySchema, media=CSV,
          errors=(400, 404)),
    Route("GET", f"{API}/exports/indicators.csv", "export_indicators_csv", "The indicators of every quarter" + PINNED,
          query=AsOfQuerySchema, media=CSV, errors=(400, 404)),
    Route("GET", f"{API}/exports/indicators.sdmx.csv", "export_indicators_sdmx",
          "The RPW_INDICATORS dataflow as SDMX-CSV 1.0 (OBSERVATORY:RPW_INDICATORS(1.0))" + PINNED, query=AsOfQuerySchema, media=CSV, errors=(400, 404)),
    Route("GET", f"{API}/exports/ldc.csv", "export_ldc_csv",
          "The LDC lens: cost of sending to each LDC, latest inflows, and what 3 % would leave recipients (estimate)" + PINNED,
          query=AsOfQuerySchema, media=CSV, errors=(400, 404)),
    Route("GET", f"{API}/exports/countries/<iso3>/flows.csv", "export_flows_csv",
          "A country's remittance series (KNOMAD, WDI), one row per year" + PINNED, query=AsOfQuerySchema, media=CSV, errors=(400, 404)),
    Route("GET", f"{API}/exports/countries/<iso3>/flows.sdmx.csv", "export_flows_sdmx",
          "The FLOWS dataflow of the country as SDMX-CSV 1.0 (OBSERVATORY:FLOWS(1.0)): totals and matrix estimates by sender" + PINNED, query=AsOfQuerySchema, media=CSV, errors=(400, 404)),
    Route("GET", f"{API}/releases", "list_releases",
          "Published datasets, newest first, each with its raw file's SHA-256 and download address",
          query=PageSchema, response=ReleaseListSchema, errors=(400,)),
    Route("GET", f"{API}/datasets/<dataset_id>/raw", "dataset_raw",
          "A published dataset's file exactly as imported (ETag and Repr-Digest: its SHA-256); operators: any",
          media="application/octet-stream", errors=(400, 404, 503)),
    Route("GET", f"{API}/releases.ics", "releases_calendar", "Dataset releases as an iCalendar feed",
          media="text/calendar"),
)
