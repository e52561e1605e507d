"""Quality flags of a published cost, counted again from the RPW quotes file."""
import datetime as dt
from collections import Counter

import pytest

from observatory.analysis.quality import SERIES_KINDS, period_age, quality_flags, quote_counts
from tests.unit.analysis_files import quotes_of, raw_quote_rows

TODAY = dt.date(2026, 12, 2)


def _number(text):
    return float(text) if text not in ("", "NA") else None


def _corridor_with_most(predicate):
    counts = Counter((r["period"], r["source"], r["destination"]) for r in raw_quote_rows() if predicate(r))
    return counts.most_common(1)[0][0]


@pytest.mark.parametrize("predicate", [
    lambda r: r["transparent"] == "no",
    lambda r: (_number(r["cc1.fx.margin"]) or 0) < 0,
], ids=["non-transparent", "negative-margin"])
def test_the_counts_of_a_corridor_quarter_equal_those_in_the_file(predicate):
    corridor = _corridor_with_most(predicate)
    raw = [r for r in raw_quote_rows() if (r["period"], r["source"], r["destination"]) == corridor]
    counts = quote_counts(quotes_of(*corridor))
    assert counts["quotes"] == len(raw)
    assert counts["quotes_non_transparent"] == sum(r["transparent"] == "no" for r in raw)
    assert counts["negative_fx_margins"] == sum((_number(r["cc1.fx.margin"]) or 0) < 0 for r in raw)
    assert sum(predicate(r) for r in raw) > 0  # the corridor chosen does have what is counted


def test_the_age_of_a_period_runs_from_its_last_day():
    assert period_age("2014Q1", TODAY)["age_days"] == (TODAY - dt.date(2014, 3, 31)).days
    assert period_age("2022", TODAY)["period_end"] == "2022-12-31"
    assert period_age("2026Q4", TODAY)["age_days"] == 0  # a period still running is not negative


def test_flags_name_the_series_weight_year_and_coverage():
    corridor = _corridor_with_most(lambda r: r["transparent"] == "no")
    flags = quality_flags(series="observed", period=corridor[0], today=TODAY, quotes=quotes_of(*corridor),
                          weight_year=2012, rows_used=40, rows_in_group=46)
    assert (flags["series"], flags["weight_year"], flags["quotes"]) == ("observed", 2012, len(quotes_of(*corridor)))
    assert flags["coverage_note"] == "covers 40 of the 46 members of its group"
    official = quality_flags(series="official", period="2020Q3", today=TODAY, rows_used=46, rows_in_group=46)
    assert official["quotes"] is None and official["coverage_note"] is None and official["coverage"] == 1


def test_every_series_kind_is_accepted_and_no_other():
    for kind in SERIES_KINDS:
        assert quality_flags(series=kind, period="2014Q1", today=TODAY)["series"] == kind
    with pytest.raises(ValueError, match="unknown series kind"):
        quality_flags(series="guessed", period="2014Q1", today=TODAY)
    with pytest.raises(ValueError, match="not a period"):
        quality_flags(series="observed", period="2014-Q1", today=TODAY)


def test_no_quotes_count_zero():
    assert quote_counts([]) == {"quotes": 0, "quotes_non_transparent": 0, "negative_fx_margins": 0}
