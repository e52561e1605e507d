"""Errors that cross service boundaries over RPC, each with its HTTP status.

nameko turns a remote exception into a generic ``RemoteError`` unless its type
is registered with ``deserialize_to_instance``. Every subclass of
``ObservatoryError`` registers itself when it is defined, so an error raised in
a service (a subclass of these, too) reaches the gateway as itself, and the
gateway maps it by its ``status`` and ``code``. nameko registers an error by
its module path; the platform also keeps one name per error, so a second
class with a name already taken (a second ``NotFound`` anywhere) is refused
when it is defined: the gateway and the logs name errors by class name.
"""
from nameko.exceptions import deserialize_to_instance


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
        register_error(cls)


_BY_NAME = {}


def register_error(cls):
    """Register ``cls`` for RPC; TypeError when another class already has its name.
    The same class defined again by the same module (a reload) replaces it."""
    known = _BY_NAME.get(cls.__name__)
    if known is not None and f"{known.__module__}.{known.__qualname__}" != f"{cls.__module__}.{cls.__qualname__}":
        raise TypeError(f"error name {cls.__name__} is taken by {known.__module__}; "
                        f"{cls.__module__} must choose another")
    _BY_NAME[cls.__name__] = cls
    deserialize_to_instance(cls)


register_error(ObservatoryError)


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


class PreconditionFailed(ObservatoryError):
    """``If-Match`` names a version that is no longer current; ``details``
    carries the current ``etag`` (also sent as the ETag header)."""

    status = 412
    code = "PRECONDITION_FAILED"

    def response_headers(self):
        return {"ETag": self.details["etag"]} if self.details.get("etag") else {}


class PreconditionRequired(ObservatoryError):
    status = 428
    code = "PRECONDITION_REQUIRED"


# For ``@rpc(expected_exceptions=EXPECTED)``: these are answers, not faults,
# so nameko logs them as warnings instead of errors with tracebacks.
EXPECTED = (ObservatoryError,)


class InvalidMessage(ObservatoryError):
    """A message that can never be processed; it is dead-lettered at once."""

    status = 400
    code = "INVALID_MESSAGE"


# -- the errors services raise over RPC --------------------------------------------
# Defined here, not in each service, because nameko rebuilds a remote error
# only if its class is registered in the receiving process under the module it
# was defined in: every process imports this module, so every error arrives
# as itself (the services' exceptions.py modules re-export theirs).

class UnreadableFile(ObservatoryError):
    """ingest: the file cannot be read at all; the dataset fails with this reason."""

    status = 422
    code = "UNREADABLE_FILE"


class LimitExceeded(UnreadableFile):
    """ingest: the file is over one of the configured import limits."""

    code = "LIMIT_EXCEEDED"


class NonFiniteFigure(ObservatoryError):
    """A figure that is not a finite number reached a writer: refused, never
    written as inf or NaN (ingest refuses such numbers; this is the net under it)."""

    code = "NON_FINITE_FIGURE"


class UnknownKind(InvalidInput):
    """ingest: a dataset kind it does not know."""


class PublicationConflict(ServiceUnavailable):
    """ingest: another publication kept winning the race for the same version: try again."""

    code = "PUBLICATION_BUSY"


class UnknownProvider(NotFound):
    code = "UNKNOWN_PROVIDER"


class UnknownPractice(NotFound):
    code = "UNKNOWN_PRACTICE"


class UnknownMember(NotFound):
    code = "UNKNOWN_MEMBER"


class UnknownResource(NotFound):
    code = "UNKNOWN_RESOURCE"


class UnknownRequest(NotFound):
    code = "UNKNOWN_REQUEST"


class NotYourInstitution(ObservatoryError):
    """catalog: a write on a member institution's data by someone who is neither
    an operator nor that institution."""

    status = 403
    code = "NOT_YOUR_INSTITUTION"


class CorridorNotServed(Conflict):
    """catalog: a price declared on a corridor the entry does not serve."""

    code = "CORRIDOR_NOT_SERVED"


class CurationConflict(Conflict):
    """catalog: a merge or split that cannot be done (same entry, last alias, ...)."""

    code = "CURATION_CONFLICT"


class StaleEntry(PreconditionFailed):
    """catalog: an edit naming a version that is no longer current (412 with the current ETag)."""

    @classmethod
    def of(cls, doc, what="entry"):
        return cls(f"the {what} changed since you read it: read it again and re-apply your change",
                   {"etag": f'"v{doc["version"]}"', "version": doc["version"]})


class UnknownSubscriber(NotFound):
    code = "UNKNOWN_SUBSCRIBER"


class UnsafeDestination(InvalidInput):
    """notify: a webhook URL that resolves to a refused address (services/notify/addresses.py)."""

    code = "UNSAFE_WEBHOOK_URL"


def validated(schema, payload):
    """``schema.load(payload)``, or InvalidInput (400) saying field by field what is wrong."""
    from marshmallow import ValidationError

    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise InvalidInput("invalid request", {"fields": exc.messages}) from None


# -- national submissions (ingest) --------------------------------------------------

class UnknownReporter(NotFound):
    code = "UNKNOWN_REPORTER"


class UnknownSubmission(NotFound):
    """Also the answer when the submission is another reporter's: its existence is not told."""

    code = "UNKNOWN_SUBMISSION"


class SubmissionNotPublishable(Conflict):
    code = "SUBMISSION_NOT_PUBLISHABLE"

class VintageNotKept(ObservatoryError):
    """A published figure asked as of an earlier time (``asOf``) where no vintage of it is kept."""

    status = 501
    code = "VINTAGE_NOT_KEPT"
