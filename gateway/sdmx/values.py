"""How observations are written in every SDMX format: numbers without float
noise, time periods in SDMX form, and observations grouped into series by
their key (lazily: a writer holds one series at a time, never the answer)."""
import itertools
import math
import re
from decimal import ROUND_HALF_UP, Decimal

from observatory.errors import NonFiniteFigure
from observatory.sdmx.model import PRIMARY_MEASURE, TIME_DIMENSION

DIMENSION_AT_OBSERVATION = (TIME_DIMENSION, "AllDimensions")  # what the writers lay out
_QUARTER = re.compile(r"^([0-9]{4})-?Q([1-4])$")
_MONTH = re.compile(r"^([0-9]{4})-?M?(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^[0-9]{4}(-A1)?$")
# Significant digits kept when no DECIMALS is given: a double carries 15 to 17,
# and the last one or two are where arithmetic noise lives (3.9959999999999996).
SIGNIFICANT_DIGITS = 15


def format_value(value, decimals=None):
    """'3.996' for 3.9959999999999996; ``decimals`` (the DECIMALS attribute) fixes the places."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, float) and not math.isfinite(value) or isinstance(value, Decimal) and not value.is_finite():
        raise NonFiniteFigure(f"a non-finite figure ({value}) cannot be written", {"value": str(value)})
    if decimals is not None:
        number = Decimal(repr(value) if isinstance(value, float) else value)
        return format(number.quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP), "f")
    if isinstance(value, int):
        return str(value)
    number = Decimal(f"{value:.{SIGNIFICANT_DIGITS}g}").normalize()
    return format(number, "f")


def time_period(value):
    """2014Q1 / 2014-Q1 → 2014-Q1; 2022 → 2022; 2024M03 / 2024-03 → 2024-03."""
    text = str(value).strip()
    if _YEAR.fullmatch(text):
        return text[:4]
    quarter, month = _QUARTER.fullmatch(text), _MONTH.fullmatch(text)
    if quarter:
        return f"{quarter[1]}-Q{quarter[2]}"
    if month:
        return f"{month[1]}-{month[2]}"
    raise ValueError(f"not an SDMX time period: {value!r}")


def attribute_text(value):
    """An attribute value as SDMX writes it (booleans as true / false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (float, Decimal)):
        return format_value(value)
    return str(value)


def observation_parts(observation, attribute_ids):
    """(TIME_PERIOD, OBS_VALUE text or None, {attribute: text}) of one observation."""
    decimals = observation.get("DECIMALS")
    attributes = {a: attribute_text(observation[a]) for a in attribute_ids if observation.get(a) is not None}
    return (time_period(observation[TIME_DIMENSION]), format_value(observation.get(PRIMARY_MEASURE), decimals),
            attributes)


def series_of(observations, dimension_ids):
    """(series key, observations) for each run of consecutive observations with one key."""
    return itertools.groupby(observations, key=lambda o: tuple(str(o[d]) for d in dimension_ids))


def unless_empty(observations):
    """The observations, still lazy, or None when there are none: a route can answer
    the empty result its API version prescribes before it starts a stream."""
    iterator = iter(observations)
    for first in iterator:
        return itertools.chain((first,), iterator)
    return None
