"""Periods as the figures carry them: quarters (``2014Q2``) and years (``2022``)."""
import datetime as dt
import re

QUARTER = re.compile(r"^([0-9]{4})Q([1-4])$")
YEAR = re.compile(r"^([0-9]{4})$")


def period_end(period):
    """The last day a period covers: ``2014Q1`` → 2014-03-31, ``2022`` → 2022-12-31."""
    text = str(period)
    quarter = QUARTER.fullmatch(text)
    if quarter:
        year, q = int(quarter.group(1)), int(quarter.group(2))
        first_of_next = dt.date(year + q // 4, q % 4 * 3 + 1, 1)
        return first_of_next - dt.timedelta(days=1)
    if YEAR.fullmatch(text):
        return dt.date(int(text), 12, 31)
    raise ValueError(f"not a period like 2014Q2 or 2022: {period!r}")


def period_year(period):
    return period_end(period).year


def sort_key(period):
    """Orders quarters and years on one time line (a year sorts at its end)."""
    return period_end(period)
