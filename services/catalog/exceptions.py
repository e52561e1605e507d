"""Errors of the catalog service (defined in the shared package: they cross RPC)."""
from observatory.errors import (
    CorridorNotServed,
    CurationConflict,
    NotYourInstitution,
    StaleEntry,
    UnknownMember,
    UnknownPractice,
    UnknownProvider,
    UnknownRequest,
    UnknownResource,
)

__all__ = ["CorridorNotServed", "CurationConflict", "NotYourInstitution", "StaleEntry", "UnknownMember",
           "UnknownPractice", "UnknownProvider", "UnknownRequest", "UnknownResource"]
