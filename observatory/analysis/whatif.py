"""What-if savings (issue 20 §6): what recipients would keep in a year if
sending cost the target instead of today's cost."""
import math

from observatory.errors import InvalidInput

DEFAULT_TARGET_PCT = 3.0
ASSUMPTION = ("savings = inflows × (cost − target) / 100 when the cost is above the target, else 0: the latest "
              "yearly inflows are taken as sent at the latest average cost (USD 200), and the volume sent is "
              "taken as unchanged by a cheaper price; inflows are as their source publishes them (a corridor's "
              "bilateral-matrix flow is a model estimate), so the figure is an order of magnitude, not a forecast")


def check_target(target_pct):
    """A target cost in percent: finite, 0 ≤ target < 100."""
    if isinstance(target_pct, bool) or not isinstance(target_pct, (int, float)) or not math.isfinite(target_pct) \
            or not 0 <= target_pct < 100:
        raise InvalidInput("target_pct must be a number from 0 to below 100", {"target_pct": target_pct})
    return float(target_pct)


def latest_inflow(flow_records, iso3, sources=("knomad_inflows_usd_m", "wdi_inflows_usd_m")):
    """The newest year with a recorded inflow for ``iso3`` among the
    ``country-flows`` records (``{"iso3", "series", "source", "values":
    {year: USD millions}}``), preferring the earlier of ``sources`` within
    the same year. Returns ``{"value", "year", "source"}`` or None."""
    best = None
    for record in flow_records:
        if record["iso3"] != iso3 or record["series"] not in sources:
            continue
        rank = sources.index(record["series"])
        for year, value in record["values"].items():
            key = (int(year), -rank)
            if value is not None and (best is None or key > best[0]):
                best = (key, {"value": value, "year": int(year), "source": record["source"]})
    return best[1] if best else None


def whatif_savings(country, cost, inflows, target_pct=DEFAULT_TARGET_PCT, corridor=None):
    """The answer of ``GET /api/v1/whatif``: ``cost`` is the newest figure
    (``{"value", "period", "series"}``) of the country or corridor, ``inflows``
    ``{"value", "year", "source"}`` in USD millions. Either missing gives
    ``savings_usd_millions`` None and a ``reason``."""
    target = check_target(target_pct)
    cost, inflows = cost or {}, inflows or {}
    answer = {"country": country, "corridor": corridor, "target_pct": target,
              "cost_pct": cost.get("value"), "cost_period": cost.get("period"), "cost_series": cost.get("series"),
              "inflows_usd_millions": inflows.get("value"), "inflows_year": inflows.get("year"),
              "inflows_source": inflows.get("source"), "savings_usd_millions": None, "assumption": ASSUMPTION,
              "reason": None}
    if answer["cost_pct"] is None:
        return {**answer, "reason": "no published cost for this country or corridor"}
    if answer["inflows_usd_millions"] is None:
        return {**answer, "reason": "no recorded inflows for this country or corridor"}
    gap = max(answer["cost_pct"] - target, 0.0)
    return {**answer, "savings_usd_millions": answer["inflows_usd_millions"] * gap / 100}
