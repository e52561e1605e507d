"""Errors of the catalog service (defined in the shared package: they cross RPC)."""
from observatory.errors import CorridorNotServed, CurationConflict, StaleEntry, UnknownPractice, UnknownProvider

__all__ = ["CorridorNotServed", "CurationConflict", "StaleEntry", "UnknownPractice", "UnknownProvider"]
