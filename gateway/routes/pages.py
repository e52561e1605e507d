"""The web pages (HTML for people) and the files they use."""
from gateway.routes.table import Route
from gateway.schemas import (
    AsOfQuerySchema,
    PeriodAsOfQuerySchema,
    PracticePageQuerySchema,
    ProviderPageQuerySchema,
)

HTML = "text/html"

ROUTES = (
    Route("GET", "/", "page_overview", "Overview: the cost of sending money, per quarter, against 3 % and 5 %",
          query=AsOfQuerySchema, media=HTML, errors=(400, 404)),
    Route("GET", "/corridors/<source>/<destination>", "page_corridor",
          "A corridor: surveyed providers, declared prices and history", query=PeriodAsOfQuerySchema, media=HTML,
          errors=(400, 404)),
    Route("GET", "/countries/<iso3>", "page_country", "A country: flows, costs, senders, corridors, providers",
          query=AsOfQuerySchema, media=HTML, errors=(400, 404)),
    Route("GET", "/ldc", "page_ldc", "The LDC lens: the cost of sending to each LDC, and what 3 % would leave recipients",
          query=AsOfQuerySchema, media=HTML, errors=(400, 404)),
    Route("GET", "/providers", "page_providers", "The provider directory, filtered by name, type, country, corridor",
          query=ProviderPageQuerySchema, media=HTML, errors=(400,)),
    Route("GET", "/providers/<provider_id>", "page_provider", "A provider: corridors, products, declared prices",
          media=HTML, errors=(404,)),
    Route("GET", "/practices", "page_practices", "The best-practice library, searched by words, theme, country",
          query=PracticePageQuerySchema, media=HTML, errors=(400,)),
    Route("GET", "/practices/<practice_id>", "page_practice", "A published practice", media=HTML, errors=(404,)),
    Route("GET", "/data", "page_data", "Open data: exports, and every published file with its SHA-256", media=HTML),
    Route("GET", "/alerts", "page_alerts", "The subscriber page: subscriptions, notifications, deliveries, replay "
          "(with a subscriber token, in the browser)", media=HTML),
    Route("GET", "/static/<path:name>", "page_static", "The pages' style, scripts and the vendored chart library",
          media="application/octet-stream", errors=(404,)),
)
