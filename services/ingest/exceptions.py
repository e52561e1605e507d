"""Errors of the ingest service (defined in the shared package: they cross RPC)."""
from observatory.errors import LimitExceeded, PublicationConflict, UnknownKind, UnreadableFile

__all__ = ["LimitExceeded", "PublicationConflict", "UnknownKind", "UnreadableFile"]
