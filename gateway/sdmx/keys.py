"""SDMX REST data keys, 2.1 (``A.NPL+BGD..``, ``all``) and 3.0 (``A.NPL,BGD.*``,
``*``, and ``c[DIM]=`` filters), parsed against a data structure into one
allowed-value set per dimension (None: any value)."""
import datetime as dt
import re

from gateway.sdmx import periods
from observatory.sdmx.codelists import codelists
from gateway.sdmx.errors import SdmxBadQuery, SdmxNotImplemented
from observatory.sdmx.model import TIME_DIMENSION

KEY_MAX_CHARS = 2000
TEXT_VALUE_MAX_CHARS = 200
_ID = re.compile(r"[A-Za-z0-9_@$\-]+")  # SDMX IDType, ASCII only
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FILTER = re.compile(r"^c\[(.*)\]$")
TIME_OPERATORS = ("ge", "gt", "le", "lt", "eq")
UNSUPPORTED_OPERATORS = ("co", "nc", "sw", "ew")


def _value(dimension, value, position):
    """A key value checked against its dimension: a code of its codelist, or short free text."""
    where = {"dimension": dimension.id, "position": position, "value": value[:40]}
    if dimension.codelist:
        if not _ID.fullmatch(value):
            raise SdmxBadQuery(f"{value[:40]!r} is not an SDMX code (letters, digits, _ @ $ -)", where)
        if value not in codelists()[dimension.codelist]:
            raise SdmxBadQuery(f"{value[:40]!r} is not a code of {dimension.codelist} ({dimension.id})", where)
    elif not value.strip() or len(value) > TEXT_VALUE_MAX_CHARS or _CONTROL.search(value):
        raise SdmxBadQuery(f"not a valid {dimension.id} value", where)
    return value


def _positions(key, dsd, wildcard, separator, api):
    if not isinstance(key, str) or len(key) > KEY_MAX_CHARS:
        raise SdmxBadQuery(f"the key must be at most {KEY_MAX_CHARS} characters", {"parameter": "key"})
    if key in ("all", "*", ""):
        return (None,) * len(dsd.dimensions)
    parts = key.split(".")
    if len(parts) != len(dsd.dimensions):
        raise SdmxBadQuery(f"the key has {len(parts)} parts; {dsd.id} has {len(dsd.dimensions)} dimensions "
                           f"({'.'.join(dsd.dimension_ids)})", {"parameter": "key", "api": api})
    allowed = []
    for position, (dimension, part) in enumerate(zip(dsd.dimensions, parts), start=1):
        if part == wildcard:
            allowed.append(None)
            continue
        if part == "":  # REST 2.1's wildcard is the empty part; 3.0 says * (an empty part is a typo there)
            raise SdmxBadQuery(f"the key's {dimension.id} part is empty: REST 3.0 writes * for any value",
                               {"dimension": dimension.id, "position": position})
        values = part.split(separator)
        if any(v == "" for v in values):
            raise SdmxBadQuery(f"an empty value in the key's {dimension.id} part ({separator!r} at an end?)",
                               {"dimension": dimension.id, "position": position})
        allowed.append(frozenset(_value(dimension, v, position) for v in values))
    return tuple(allowed)


def parse_key_21(key, dsd):
    """REST 2.1: ``.`` between dimensions, ``+`` between values, an empty part or ``all`` for any."""
    return _positions(key, dsd, "", "+", "2.1")


def parse_key_30(key, dsd):
    """REST 3.0: ``.`` between dimensions, ``,`` between values, ``*`` for any."""
    return _positions(key, dsd, "*", ",", "3.0")


def _time_bounds(expression):
    """``ge:2014-Q1+le:2015`` → (first day, last day) for c[TIME_PERIOD]."""
    start = end = None
    if "," in expression:
        raise SdmxNotImplemented("c[TIME_PERIOD] takes one range (operands joined by +), not alternatives")
    for operand in expression.split("+"):
        operator, _, value = operand.rpartition(":")
        operator = operator or "eq"
        if operator not in TIME_OPERATORS:
            raise SdmxBadQuery(f"c[TIME_PERIOD] operators are {', '.join(TIME_OPERATORS)}",
                               {"parameter": "c[TIME_PERIOD]", "operator": operator[:10]})
        first, last = periods.query_period(value, "c[TIME_PERIOD]")
        if operator in ("ge", "eq"):
            start = max(start or first, first)
        if operator in ("le", "eq"):
            end = min(end or last, last)
        if operator == "gt":
            start = max(start or last, last + dt.timedelta(days=1))
        if operator == "lt":
            end = min(end or first, first - dt.timedelta(days=1))
    return start, end


def _dimension_filter(dimension, expression, position):
    values, excluded = set(), set()
    for item in expression.split(","):
        operator, separator, value = item.partition(":")
        if not separator or operator not in (*TIME_OPERATORS, *UNSUPPORTED_OPERATORS, "ne"):
            operator, value = "", item  # a free-text value may hold a colon ("Agent: Bank")
        if operator in UNSUPPORTED_OPERATORS:
            raise SdmxNotImplemented(f"the {operator}: operator is not implemented", {"dimension": dimension.id})
        if operator not in ("", "eq", "ne"):
            raise SdmxBadQuery(f"c[{dimension.id}] takes codes, eq: or ne:", {"dimension": dimension.id})
        (excluded if operator == "ne" else values).add(_value(dimension, value, position))
    if excluded:
        if not dimension.codelist:
            raise SdmxNotImplemented(f"ne: on the free-text dimension {dimension.id} is not implemented")
        values = set(values or codelists()[dimension.codelist].ids) - excluded
    return frozenset(values)


def apply_filters(allowed, params, dsd):
    """The key narrowed by the ``c[...]`` parameters, and c[TIME_PERIOD]'s (start, end)."""
    allowed, bounds = list(allowed), (None, None)
    for name, expression in params.items():
        found = _FILTER.match(name)
        if not found:
            continue
        component_id, expression = found[1], str(expression)
        if component_id == TIME_DIMENSION:
            bounds = _time_bounds(expression)
            continue
        if component_id not in dsd.dimension_ids:
            if component_id in dsd.attribute_ids:
                raise SdmxNotImplemented("filters on attributes are not implemented", {"component": component_id})
            raise SdmxBadQuery(f"{component_id[:40]!r} is not a dimension of {dsd.id}",
                               {"parameter": name[:50], "dimensions": list(dsd.dimension_ids)})
        position = dsd.dimension_ids.index(component_id)
        chosen = _dimension_filter(dsd.dimensions[position], expression, position + 1)
        allowed[position] = chosen if allowed[position] is None else allowed[position] & chosen
    return tuple(allowed), bounds
