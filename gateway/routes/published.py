"""The published figures: readable by anyone, served from the read model."""
from gateway.routes.table import API, Route
from gateway.schemas import AsOfQuerySchema, CorridorListAsOfQuerySchema, PeriodAsOfQuerySchema
from observatory.contracts.answers import (
    CorridorListSchema,
    CorridorSchema,
    CountryProfileSchema,
    HistorySchema,
    IndicatorsSchema,
)
from observatory.contracts.lens import LdcLensSchema, OverviewSchema

ROUTES = (
    Route("GET", f"{API}/corridors", "list_corridors", "Corridors with a figure in a quarter (default: the latest)",
          query=CorridorListAsOfQuerySchema, response=CorridorListSchema, errors=(400,)),
    Route("GET", f"{API}/corridors/<source>/<destination>", "corridor",
          "A corridor's quarter: headline average with its series, official and derived beside it, quotes",
          query=PeriodAsOfQuerySchema, response=CorridorSchema, errors=(400, 404)),
    Route("GET", f"{API}/corridors/<source>/<destination>/history", "corridor_history",
          "Every quarter of every series for a corridor", query=AsOfQuerySchema, response=HistorySchema,
          errors=(400, 404)),
    Route("GET", f"{API}/indicators", "indicators", "Global, weighted, LDC and G20 averages and shares (quotes only)",
          query=PeriodAsOfQuerySchema, response=IndicatorsSchema, errors=(400, 404)),
    Route("GET", f"{API}/countries/<iso3>", "country", "A country's flows, senders, costs and corridors",
          query=AsOfQuerySchema, response=CountryProfileSchema, errors=(400, 404)),
    Route("GET", f"{API}/ldc", "ldc_lens",
          "The LDC lens: each LDC's newest cost to receive (its own period and series), latest inflows, what 3 % "
          "would leave recipients (estimate), and the mean over one period and series with its coverage",
          query=AsOfQuerySchema, response=LdcLensSchema, errors=(400, 404)),
    Route("GET", f"{API}/overview", "overview",
          "The overview: the latest surveyed quarter's indicators and the newest figure of every corridor, "
          "averaged over one period and series only", query=AsOfQuerySchema, response=OverviewSchema,
          errors=(400, 404)),
)
