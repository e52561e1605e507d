"""Time in SDMX queries: the span a period covers (2014-Q1, 2022, 2024-03,
2024-03-15, ISO 8601 weeks and semesters are not published here), and the
``updatedAfter`` / ``asOf`` timestamps."""
import calendar
import datetime as dt
import re

from gateway.sdmx.errors import SdmxBadQuery

_FORMS = (
    (re.compile(r"^([0-9]{4})$"), lambda y: (dt.date(y, 1, 1), dt.date(y, 12, 31))),
    (re.compile(r"^([0-9]{4})-?Q([1-4])$"), lambda y, q: (dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q))),
    (re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$"), lambda y, m: (dt.date(y, m, 1), _month_end(y, m))),
    (re.compile(r"^([0-9]{4})-?M(0[1-9]|1[0-2])$"), lambda y, m: (dt.date(y, m, 1), _month_end(y, m))),
    (re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])-([0-3][0-9])$"), lambda y, m, d: (dt.date(y, m, d),) * 2),
)


def _month_end(year, month):
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def span(period):
    """(first day, last day) of an SDMX period; None when it is not one."""
    text = str(period).strip()
    for pattern, build in _FORMS:
        found = pattern.fullmatch(text)
        if found:
            try:
                return build(*map(int, found.groups()))
            except ValueError:  # 2014-02-30
                return None
    return None


def query_period(value, parameter):
    """A startPeriod / endPeriod (or c[TIME_PERIOD] operand), else a 400 naming the parameter."""
    found = span(value)
    if found is None:
        raise SdmxBadQuery(f"{parameter} must be a period like 2014, 2014-Q1, 2014-03 or 2014-03-15",
                           {"parameter": parameter, "value": str(value)[:40]})
    return found


def timestamp(value, parameter):
    """An ISO 8601 timestamp with its offset (``2024-05-01T00:00:00Z``), as an aware datetime."""
    text = str(value).strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise SdmxBadQuery(f"{parameter} must be an ISO 8601 timestamp with its offset, e.g. 2024-05-01T00:00:00Z",
                           {"parameter": parameter, "value": text[:40]})
    return parsed.astimezone(dt.timezone.utc)
