"""The gateway's SDMX web service, in plain functions: the SDMX-ML / SDMX-JSON
/ SDMX-CSV writers, the parsing of SDMX REST 2.1 and 3.0 queries (``query``,
``structure_query``, ``params``), format negotiation, the observation sources
that page through ingest (``observations``) and the HTTP answer helpers
(``responses``: CORS, conditional requests, streamed gzip). The structures
live in the shared kernel (observatory.sdmx); routes and resource in
gateway/routes/sdmx.py and gateway/resources/sdmx.py."""
