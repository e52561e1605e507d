"""Errors that cross service boundaries over RPC.

nameko turns a remote exception into a generic ``RemoteError`` unless its type
is registered with ``deserialize_to_instance``; registering these lets the
gateway map them to HTTP statuses in one place.
"""
from nameko.exceptions import deserialize_to_instance


class ObservatoryError(Exception):
    """Base for errors with a stable machine-readable code."""

    code = "ERROR"

    def __init__(self, message="", details=None):
        super().__init__(message, details)
        self.message = message
        self.details = details or {}

    def __str__(self):
        return self.message


@deserialize_to_instance
class ServiceUnavailable(ObservatoryError):
    """A service did not answer within its deadline (or is not running)."""

    code = "SERVICE_UNAVAILABLE"


@deserialize_to_instance
class NotFound(ObservatoryError):
    code = "NOT_FOUND"


@deserialize_to_instance
class InvalidInput(ObservatoryError):
    """Input that failed validation; ``details`` says field by field."""

    code = "VALIDATION_ERROR"


@deserialize_to_instance
class Conflict(ObservatoryError):
    code = "CONFLICT"


# For ``@rpc(expected_exceptions=EXPECTED)``: these are answers, not faults,
# so nameko logs them as warnings instead of errors with tracebacks.
EXPECTED = (ObservatoryError,)


class InvalidMessage(ObservatoryError):
    """A message that can never be processed; it is dead-lettered at once."""

    code = "INVALID_MESSAGE"
