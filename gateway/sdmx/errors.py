"""The SDMX web service's own answers that observatory.errors has no class
for (406, 501), and the 400 / 404 it gives in SDMX terms."""
from observatory.errors import InvalidInput, NotFound, ObservatoryError


class SdmxNotAcceptable(ObservatoryError):
    """No format the client accepts is one the service writes; ``details.supported`` lists those."""

    status = 406
    code = "NOT_ACCEPTABLE"


class SdmxNotImplemented(ObservatoryError):
    """A resource or parameter value of the SDMX REST API that this service does not implement."""

    status = 501
    code = "NOT_IMPLEMENTED"


class SdmxBadQuery(InvalidInput):
    """A key or parameter that is not valid SDMX REST; ``details`` names the part."""

    code = "INVALID_SDMX_QUERY"


class SdmxNoResults(NotFound):
    """Nothing matches (SDMX REST answers 404 "No results found")."""

    code = "NO_RESULTS"


# An answer with no observations: REST 2.1 (sdmx-rest v1) answers 404 "No results
# found"; REST 3.0 (sdmx-rest v2) answers 204, an empty result being acceptable there.
EMPTY_RESULT_STATUS = {"2.1": 404, "3.0": 204}
