"""Policy analysis (issue 20): answers and pages, readable by anyone."""
from gateway.routes.table import API, Route
from gateway.schemas import AsOfQuerySchema, PeersAsOfQuerySchema, ScorecardAsOfQuerySchema, WhatIfAsOfQuerySchema
from observatory.contracts.analysis import (
    BriefsProgressSchema,
    PeersSchema,
    ReceivingSummarySchema,
    ScorecardSchema,
    SdgSchema,
    WhatIfSchema,
)

HTML = "text/html"

ROUTES = (
    Route("GET", f"{API}/countries/<iso3>/sdg", "sdg",
          "SDG 10.c tracker: the average cost of sending to and from a country (or LDC: the group) per period and "
          "series against 3 %, corridors above 5 %, the trend and the year 3 % would be reached; asOf: as published "
          "then", query=AsOfQuerySchema, response=SdgSchema, errors=(400, 404)),
    Route("GET", f"{API}/countries/<iso3>/peers", "peers",
          "Peer benchmark: a country against its region, income group, the LDCs and chosen peers, with its rank; "
          "asOf: as published then", query=PeersAsOfQuerySchema, response=PeersSchema, errors=(400, 404)),
    Route("GET", f"{API}/countries/<iso3>/scorecards", "receiving_scorecards",
          "Every surveyed corridor into a country, each in its newest surveyed quarter: providers, spread, shares; "
          "asOf: as published then", query=AsOfQuerySchema, response=ReceivingSummarySchema, errors=(400, 404)),
    Route("GET", f"{API}/corridors/<source>/<destination>/scorecard", "scorecard",
          "Corridor scorecard from the surveyed quotes: providers, products, spread, SmaRT, shares, mixes; asOf: as "
          "published then", query=ScorecardAsOfQuerySchema, response=ScorecardSchema, errors=(400, 404)),
    Route("GET", f"{API}/whatif", "whatif",
          "What-if savings: what recipients would keep a year at a target cost, with every input and its source; "
          "asOf: from the figures published then", query=WhatIfAsOfQuerySchema, response=WhatIfSchema,
          errors=(400, 404)),
    Route("GET", f"{API}/countries/<iso3>/brief.pdf", "brief_pdf", "The country brief as PDF (printed by Chromium)",
          media="application/pdf", errors=(400, 404, 503)),
    Route("GET", f"{API}/briefs.zip", "briefs_zip",
          "Every LDC's brief as PDF, in one zip: printed in the background after each release; 202 with the "
          "progress (and Retry-After) until it is ready", media="application/zip",
          errors=((202, BriefsProgressSchema), 503)),
    Route("GET", "/countries/<iso3>/sdg", "page_sdg", "A country's SDG 10.c tracker (LDC: the group)",
          query=AsOfQuerySchema, media=HTML, errors=(400, 404)),
    Route("GET", "/countries/<iso3>/peers", "page_peers", "A country among its peers", query=PeersAsOfQuerySchema,
          media=HTML, errors=(400, 404)),
    Route("GET", "/countries/<iso3>/brief", "page_brief", "The country brief, print-ready; asOf: as published "
          "then (its permalink pins the release it was made from)", query=AsOfQuerySchema, media=HTML,
          errors=(400, 404)),
    Route("GET", "/corridors/<source>/<destination>/scorecard", "page_scorecard", "A corridor's scorecard",
          query=ScorecardAsOfQuerySchema, media=HTML, errors=(400, 404)),
    Route("GET", "/whatif", "page_whatif", "What-if savings, interactive", media=HTML),
)
