"""The LDC lens under the newest-figure rule (issue 20 §1): each row says its
own period and series; the lens's mean is over rows of one period and one
series only, with its coverage of the group; each row's quality flags."""
from observatory.analysis.quality import period_age
from observatory.clock import utcnow


def rows_for_aggregate(rows):
    return [{"iso3": r["iso3"], "value": r["cost_pct"], "period": r["period"], "series": r["series"]}
            for r in rows if r["cost_pct"] is not None and r.get("series")]


def with_flags(rows, today=None):
    """Each row with the age of its period (``period_end``, ``age_days``)."""
    today = today or utcnow().date()
    return [{**r, **({k: v for k, v in period_age(r["period"], today).items() if k != "age_years"}
                     if r.get("period") else {})} for r in rows]
