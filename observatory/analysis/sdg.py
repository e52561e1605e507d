"""The SDG 10.c tracker (issue 20 §3): target 10.c asks for an average cost
below 3 % by 2030 and no corridor above 5 %.

Corridor figures are dicts ``{"source", "destination", "period", "series",
"value"}`` (a corridor's average total cost %, USD 200, in one series).
"""
import math
from collections import defaultdict

from observatory.analysis.newest import newest_figure
from observatory.analysis.periods import period_year, sort_key
from observatory.errors import InvalidInput

TARGET_PCT = 3.0
CEILING_PCT = 5.0
TREND_YEARS = 5
TREND_MIN_POINTS = 3
DIRECTIONS = {"receiving": "destination", "sending": "source"}
TREND_METHOD = ("least-squares slope of the annual means (mean of the year's periods) over the last {years} "
                "calendar years with data up to the latest one, at least {points} years; the year to reach "
                "{target} % projects the latest annual mean at that slope")


def _side(direction):
    if direction not in DIRECTIONS:
        raise InvalidInput(f"direction must be one of {sorted(DIRECTIONS)}", {"direction": direction})
    return DIRECTIONS[direction]


def area_averages(corridor_figures, members, direction="receiving"):
    """Method: per (series, period), the simple mean of the corridor averages
    of the corridors into (``receiving``) or out of (``sending``) a country in
    ``members``; corridors count equally, series are never blended. Returns
    rows ``{"series", "period", "value", "corridors"}`` in time order."""
    side, members = _side(direction), set(members)
    grouped = defaultdict(list)
    for figure in corridor_figures:
        if figure[side] in members and figure.get("value") is not None:
            grouped[(figure["series"], figure["period"])].append(figure["value"])
    rows = [{"series": s, "period": p, "value": sum(v) / len(v), "corridors": len(v)}
            for (s, p), v in grouped.items()]
    return sorted(rows, key=lambda r: (r["series"], sort_key(r["period"])))


def annual_means(points):
    """``{year: mean of the values of that year's periods}`` for one series."""
    by_year = defaultdict(list)
    for point in points:
        by_year[period_year(point["period"])].append(point["value"])
    return {year: sum(v) / len(v) for year, v in sorted(by_year.items())}


def trend(points, years=TREND_YEARS, min_points=TREND_MIN_POINTS, target=TARGET_PCT):
    """The pace of one series (see ``TREND_METHOD``). ``reach_target_year`` is
    None with a ``reason``: ``no_data``, ``too_few_points``,
    ``already_at_or_below_target`` or ``not_falling`` (slope ≥ 0)."""
    if years < 2 or min_points < 2 or min_points > years:
        raise InvalidInput("the trend needs years ≥ 2 and 2 ≤ min_points ≤ years",
                           {"years": years, "min_points": min_points})
    means = annual_means(points)
    answer = {"method": TREND_METHOD.format(years=years, points=min_points, target=target),
              "annual_means": [], "slope_pp_per_year": None, "reach_target_year": None, "reason": None}
    if not means:
        return {**answer, "reason": "no_data"}
    last_year = max(means)
    window = {y: v for y, v in means.items() if y > last_year - years}
    answer["annual_means"] = [{"year": y, "value": v} for y, v in window.items()]
    if len(window) < min_points:
        return {**answer, "reason": "too_few_points"}
    mean_x, mean_y = sum(window) / len(window), sum(window.values()) / len(window)
    slope = (sum((x - mean_x) * (y - mean_y) for x, y in window.items())
             / sum((x - mean_x) ** 2 for x in window))
    answer["slope_pp_per_year"] = slope
    latest = window[last_year]
    if latest <= target:
        return {**answer, "reason": "already_at_or_below_target"}
    if slope >= 0:
        return {**answer, "reason": "not_falling"}
    return {**answer, "reach_target_year": math.ceil(last_year + (latest - target) / -slope)}


def sdg_tracker(corridor_figures, members, direction="receiving", series=None, years=TREND_YEARS,
                min_points=TREND_MIN_POINTS):
    """The tracker for a country (``members`` = {its ISO3}) or a group (the
    LDCs): the area's average per series and period against 3 %; the headline
    (the newest figure, ``newest_figure``); the corridors above 5 % in the
    headline's period and series; the trend of ``series`` (default: the
    headline's series) and the year it would reach 3 % at that pace."""
    corridor_figures = list(corridor_figures)
    averages = area_averages(corridor_figures, members, direction)
    for row in averages:
        row["at_or_below_target"] = row["value"] <= TARGET_PCT
    headline = newest_figure(averages)
    side, members = _side(direction), set(members)
    above = []
    if headline:
        above = sorted(({"source": f["source"], "destination": f["destination"], "value": f["value"]}
                        for f in corridor_figures
                        if f[side] in members and (f["period"], f["series"]) == (headline["period"], headline["series"])
                        and f.get("value") is not None and f["value"] > CEILING_PCT),
                       key=lambda f: -f["value"])
    trend_series = series or (headline or {}).get("series")
    points = [r for r in averages if r["series"] == trend_series]
    return {"direction": direction, "target_pct": TARGET_PCT, "ceiling_pct": CEILING_PCT, "headline": headline,
            "averages": averages, "corridors_above_ceiling": above,
            "trend": {"series": trend_series, **trend(points, years, min_points)}}
