"""Ingest service. Datasets and observations: parses the World Bank / KNOMAD files, computes indicators, emits what changed."""
