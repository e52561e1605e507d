"""The LDC lens under the newest-figure rule (issue 20 §1): each row says its
own period and series; the lens's mean is over rows of one period and one
series only, with its coverage of the group; each row's quality flags."""
from collections import defaultdict

from observatory.analysis.quality import period_age
from observatory.clock import utcnow

QUOTE_FLAGS = ("quotes", "quotes_non_transparent", "negative_fx_margins")


def rows_for_aggregate(rows):
    return [{"iso3": r["iso3"], "value": r["cost_pct"], "period": r["period"], "series": r["series"]}
            for r in rows if r["cost_pct"] is not None and r.get("series")]


def with_flags(rows, today=None):
    """Each row with the age of its period (``period_end``, ``age_days``)."""
    today = today or utcnow().date()
    return [{**r, **({k: v for k, v in period_age(r["period"], today).items() if k != "age_years"}
                     if r.get("period") else {})} for r in rows]


def observed_periods(newest):
    """The quarters of the observed figures among ``{iso3: newest figure}`` (their quotes to count)."""
    return sorted({f["period"] for f in (newest or {}).values() if f.get("series") == "observed"})


def with_quote_counts(rows, quote_counts):
    """Each observed row with the quotes surveyed into its country in its quarter (``quote_counts``:
    ``{period: [ingest's corridor_quote_counts items]}``): quotes, non-transparent ones, negative FX
    margins, summed over its corridors; None for the official and derived series (no quotes)."""
    sums = defaultdict(lambda: dict.fromkeys(QUOTE_FLAGS, 0))
    for period, items in (quote_counts or {}).items():
        for item in items:
            mine = sums[(item["destination"], period)]
            for flag in QUOTE_FLAGS:
                mine[flag] += item[flag]
    return [{**r, **(sums[(r["iso3"], r["period"])] if r.get("series") == "observed" and quote_counts is not None
                     and (r["iso3"], r["period"]) in sums else dict.fromkeys(QUOTE_FLAGS))} for r in rows]
