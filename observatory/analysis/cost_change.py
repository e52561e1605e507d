"""Which countries' receiving corridors got cheaper (issue 21's peer-learning
suggestions: "member states whose corridors improved most on that theme").

Plain functions over the corridor figures ingest publishes
(``analysis_corridor_figures`` rows: ``{"source", "destination", "period",
"series", "value"}``); no nameko, no I/O."""
from collections import defaultdict

from observatory.analysis.periods import sort_key
from observatory.vocabulary import COST_THEMES, SERIES

METHOD = ("a corridor's change: its cost in its first published period minus its cost in its newest, within one "
          "series (the one with the most published periods; observed, then official, then derived on a tie), so "
          "series are never blended; a country's: the simple mean of the changes of its receiving corridors that "
          "have two periods or more. Positive: the cost fell.")


def _one_series(points_by_series):
    """(series, its points in time order) with the most periods; ties by ``SERIES`` order."""
    series = max(points_by_series, key=lambda s: (len(points_by_series[s]), -SERIES.index(s)))
    return series, sorted(points_by_series[series], key=lambda p: sort_key(p[0]))


def corridor_cost_changes(figures, receiving, sending=None):
    """Each corridor into a country of ``receiving`` (out of ``sending`` only,
    when given) with two published periods or more in its chosen series:
    ``{"corridor", "country", "series", "first_period", "first_pct",
    "newest_period", "newest_pct", "drop_pct_points"}``, in corridor order."""
    receiving = set(receiving)
    points = defaultdict(lambda: defaultdict(list))
    for f in figures:
        if f["destination"] in receiving and (sending is None or f["source"] == sending) \
                and f.get("value") is not None and f.get("series") in SERIES:
            points[(f["source"], f["destination"])][f["series"]].append((f["period"], f["value"]))
    changes = []
    for (source, destination), by_series in sorted(points.items()):
        series, series_points = _one_series(by_series)
        if len(series_points) < 2:
            continue
        (first_period, first), (newest_period, newest) = series_points[0], series_points[-1]
        changes.append({"corridor": f"{source}-{destination}", "country": destination, "series": series,
                        "first_period": first_period, "first_pct": first, "newest_period": newest_period,
                        "newest_pct": newest, "drop_pct_points": round(first - newest, 4)})
    return changes


def countries_improved(changes):
    """Countries whose receiving corridors' cost fell on average (``METHOD``),
    most first (ties by ISO3): ``{"country", "drop_pct_points", "corridors",
    "best"}``, ``best`` the corridor change that fell most."""
    by_country = defaultdict(list)
    for change in changes:
        by_country[change["country"]].append(change)
    ranked = []
    for country, rows in by_country.items():
        mean_drop = sum(r["drop_pct_points"] for r in rows) / len(rows)
        if mean_drop > 0:
            ranked.append({"country": country, "drop_pct_points": round(mean_drop, 4), "corridors": len(rows),
                           "best": max(rows, key=lambda r: (r["drop_pct_points"], r["corridor"]))})
    return sorted(ranked, key=lambda r: (-r["drop_pct_points"], r["country"]))


def request_scope(request):
    """Which receiving corridors a peer-learning request is compared on:
    ``{"sending": "ARE"}`` for a corridor request (the same sending market),
    ``{"sending": None}`` for a request on a cost theme (every receiving
    corridor), None when cost changes do not fit it."""
    if request.get("corridor"):
        return {"sending": request["corridor"].split("-")[0]}
    if request.get("theme") in COST_THEMES:
        return {"sending": None}
    return None
