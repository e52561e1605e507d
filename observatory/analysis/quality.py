"""Quality flags for a published cost (issue 20 §2): how much the figure can
be trusted, said in counts and dates rather than a score."""
from observatory.analysis.periods import period_end
from observatory.vocabulary import SERIES

# Every kind a published cost can be: the corridor series (DESIGN §5), prices
# a provider declares itself, and figures a national reporter submits.
SERIES_KINDS = SERIES + ("declared", "national")


def quote_counts(quotes):
    """Counts behind a figure computed from quotes (parser records, with
    ``transparent`` and ``cc1_fx_margin``): quotes, quotes whose provider did
    not disclose its rate (left out of every average), and quotes with a
    negative FX margin (a rate better than interbank: worth a second look)."""
    quotes = list(quotes)
    return {"quotes": len(quotes),
            "quotes_non_transparent": sum(1 for q in quotes if q.get("transparent") is not True),
            "negative_fx_margins": sum(1 for q in quotes
                                       if q.get("cc1_fx_margin") is not None and q["cc1_fx_margin"] < 0)}


def period_age(period, today):
    """Age of a period against ``today`` (a date): whole days since the
    period's last day (0 while it runs) and the same in years, one decimal."""
    days = max((today - period_end(period)).days, 0)
    return {"period_end": period_end(period).isoformat(), "age_days": days, "age_years": round(days / 365.25, 1)}


def coverage_note(rows_used, rows_in_group):
    """A sentence when an aggregate covers less than its group, else None."""
    if rows_in_group and rows_used < rows_in_group:
        return f"covers {rows_used} of the {rows_in_group} members of its group"
    return None


def quality_flags(*, series, period, today, quotes=None, weight_year=None, rows_used=None, rows_in_group=None):
    """The flags of one published cost: its series kind (one of
    ``SERIES_KINDS``, else ValueError), the age of its period against
    ``today``, the quote counts when it was computed from ``quotes`` (None for
    official and derived series, which come without their quotes), the
    weight vintage of a weighted average, and a coverage note for an
    aggregate over fewer rows than its group."""
    if series not in SERIES_KINDS:
        raise ValueError(f"unknown series kind {series!r}: expected one of {', '.join(SERIES_KINDS)}")
    flags = {"series": series, "period": period, **period_age(period, today),
             "quotes": None, "quotes_non_transparent": None, "negative_fx_margins": None,
             "weight_year": weight_year, "coverage": None, "coverage_note": None}
    if quotes is not None:
        flags.update(quote_counts(quotes))
    if rows_in_group:
        used = rows_in_group if rows_used is None else rows_used
        flags["coverage"] = used / rows_in_group
        flags["coverage_note"] = coverage_note(used, rows_in_group)
    return flags
