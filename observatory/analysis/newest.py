"""The newest figure everywhere (issue 20 §1).

A figure is a dict with at least ``value``, ``series`` and ``period``; other
keys (``source``, ``destination``, ``iso3`` …) are carried along untouched.
"""
from collections import Counter, defaultdict

from observatory.analysis.periods import sort_key
from observatory.vocabulary import SERIES


def _has_value(figure, series_order):
    return figure.get("value") is not None and figure.get("series") in series_order


def newest_figure(figures, series_order=SERIES):
    """Method: among the figures of one corridor or country in every series of
    ``series_order``, take the newest period any of them has; within that
    period prefer the series that comes first in ``series_order`` (observed,
    then official, then derived). Series not named there (declared prices)
    are never a headline. Returns ``{"value", "series", "period"}``, or None
    when no figure has a value."""
    candidates = [f for f in figures if _has_value(f, series_order)]
    if not candidates:
        return None
    best = max(candidates, key=lambda f: (sort_key(f["period"]), -series_order.index(f["series"])))
    return {"value": best["value"], "series": best["series"], "period": best["period"]}


def newest_by(figures, key, series_order=SERIES):
    """``{key(figure): newest_figure(...)}`` for each corridor or country in
    ``figures`` (``key`` names what one row is about, e.g. its corridor)."""
    grouped = defaultdict(list)
    for figure in figures:
        grouped[key(figure)].append(figure)
    newest = {k: newest_figure(rows, series_order) for k, rows in grouped.items()}
    return {k: figure for k, figure in newest.items() if figure is not None}


def one_vintage_aggregate(rows, rows_in_group=None, series_order=SERIES):
    """Combine rows of a ranking or lens that may come from different periods
    and series (each row keeps its own ``period`` and ``series``).

    Method: the aggregate is the simple mean of ``value`` over the rows of a
    single (period, series): the pair most rows share; on a tie the newer
    period, then the preferred series. Rows of other pairs are listed, never
    averaged in. Coverage = rows used / rows in the group (``rows_in_group``,
    by default every row given, with or without a value)."""
    rows = list(rows)
    in_group = len(rows) if rows_in_group is None else rows_in_group
    valued = [r for r in rows if _has_value(r, series_order)]
    vintages = Counter((r["period"], r["series"]) for r in valued)
    answer = {"rows": sorted(rows, key=lambda r: r.get("value") is None), "aggregate": None,
              "other_vintages": [], "rows_in_group": in_group}
    if not vintages:
        return answer
    period, series = max(vintages, key=lambda v: (vintages[v], sort_key(v[0]), -series_order.index(v[1])))
    used = [r["value"] for r in valued if (r["period"], r["series"]) == (period, series)]
    answer["aggregate"] = {"value": sum(used) / len(used), "period": period, "series": series,
                           "rows_used": len(used), "rows_in_group": in_group,
                           "coverage": len(used) / in_group if in_group else None}
    answer["other_vintages"] = [{"period": p, "series": s, "rows": n} for (p, s), n in sorted(vintages.items())
                                if (p, s) != (period, series)]
    return answer
