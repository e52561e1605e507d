"""The observatory's SDMX core (pure): its structures (codelists, concept
scheme, data structure definitions, dataflows), the SDMX-ML / SDMX-JSON /
SDMX-CSV writers, and the parsing of SDMX REST 2.1 and 3.0 queries. No nameko,
no HTTP: the gateway's routes call these functions."""
