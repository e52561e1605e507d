"""Errors that cross service boundaries over RPC, each with its HTTP status.

nameko turns a remote exception into a generic ``RemoteError`` unless its type
is registered with ``deserialize_to_instance``. Every subclass of
``ObservatoryError`` registers itself when it is defined, so an error raised in
a service (a subclass of these, too) reaches the gateway as itself, and the
gateway maps it by its ``status`` and ``code``. Registration is by class name:
names must be unique across the platform (checked here).
"""
from nameko.exceptions import deserialize_to_instance, registry


class ObservatoryError(Exception):
    """Base for errors with an HTTP status and a stable machine-readable code.
    Constructed as ``Error(message, details)`` (that is how RPC rebuilds it)."""

    status = 500
    code = "ERROR"

    def __init__(self, message="", details=None):
        super().__init__(message, details)
        self.message = message
        self.details = details or {}

    def __str__(self):
        return self.message

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        known = registry.get(cls.__name__)
        if known is not None and known is not cls and known.__module__ != cls.__module__:
            raise TypeError(f"error class name {cls.__name__} is used twice ({known.__module__}, {cls.__module__})")
        deserialize_to_instance(cls)


deserialize_to_instance(ObservatoryError)


class ServiceUnavailable(ObservatoryError):
    """A service did not answer within its deadline (or is not running)."""

    status = 503
    code = "SERVICE_UNAVAILABLE"


class NotFound(ObservatoryError):
    status = 404
    code = "NOT_FOUND"


class InvalidInput(ObservatoryError):
    """Input that failed validation; ``details`` says field by field."""

    status = 400
    code = "VALIDATION_ERROR"


class Conflict(ObservatoryError):
    status = 409
    code = "CONFLICT"


# For ``@rpc(expected_exceptions=EXPECTED)``: these are answers, not faults,
# so nameko logs them as warnings instead of errors with tracebacks.
EXPECTED = (ObservatoryError,)


class InvalidMessage(ObservatoryError):
    """A message that can never be processed; it is dead-lettered at once."""

    status = 400
    code = "INVALID_MESSAGE"
