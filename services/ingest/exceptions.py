"""Errors of the ingest service."""
from observatory.errors import InvalidInput, ObservatoryError


class UnreadableFile(ObservatoryError):
    """The file cannot be read at all: the dataset fails with this reason."""

    status = 422
    code = "UNREADABLE_FILE"


class UnknownKind(InvalidInput):
    pass
