"""The observatory's SDMX structures (DESIGN §10), kept in the shared kernel:
the gateway's SDMX service writes them and their data, ingest validates
national submissions against them."""
