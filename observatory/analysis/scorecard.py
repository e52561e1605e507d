"""Corridor scorecards (issue 20 §5) from surveyed quotes: the records the
``rpw-quotes`` parser yields (``firm``, ``product``, ``transparent``,
``cc1_total_cost``, ``within_5_days``, ``firm_type``, ``speed`` …).

Only transparent quotes enter costs and shares: an undisclosed exchange rate
reads as a 0 % margin, which is "not disclosed", not "free" (DESIGN §5).
"""
from collections import Counter, defaultdict

from observatory.analysis.quality import quote_counts

SMART_QUOTES = 3
# World Bank, "Getting SmaRT about remittance price monitoring" (June 2016):
# the mean of the three cheapest services for USD 200 that a remitter could
# sensibly use. What these quotes let us check, and what they do not:
SMART_CRITERIA_APPLIED = ("transparent: the exchange rate is disclosed",
                          "delivered within 5 days: speed not '6 days or more' (DESIGN §5)")
SMART_CRITERIA_NOT_CHECKED = ("accessibility for the remitter and the recipient (account ownership and "
                              "coverage of the receiving network are not in the quotes)",)
UNRECORDED = "not recorded"
MIX_FIELDS = ("firm_type", "payment_instrument", "access_point", "pickup_method", "speed")


def _mean(values):
    return sum(values) / len(values) if values else None


def _share(count, total):
    return count / total if total else None


def smart_figure(quotes):
    """SmaRT where it can be computed: the mean total cost of the three
    cheapest quotes meeting ``SMART_CRITERIA_APPLIED``; None with a reason
    when fewer than three qualify."""
    qualifying = sorted(q["cc1_total_cost"] for q in quotes if q.get("transparent") is True and q["within_5_days"])
    value = _mean(qualifying[:SMART_QUOTES]) if len(qualifying) >= SMART_QUOTES else None
    return {"value": value, "quotes_qualifying": len(qualifying),
            "reason": None if value is not None else f"fewer than {SMART_QUOTES} quotes meet the criteria",
            "criteria_applied": list(SMART_CRITERIA_APPLIED), "criteria_not_checked": list(SMART_CRITERIA_NOT_CHECKED)}


def mix(quotes, field):
    """``{value: number of quotes}`` of one attribute, unrecorded ones named so."""
    return dict(Counter(q.get(field) or UNRECORDED for q in quotes).most_common())


def corridor_scorecard(quotes):
    """The scorecard of one corridor in one period. Providers are the
    distinct firm names as the survey wrote them, products the distinct
    (firm, product) pairs; the spread is the average minus the cheapest
    transparent quote; shares count transparent quotes below 5 % and at or
    below 3 %; the mixes count every quote."""
    quotes = list(quotes)
    costs = [q["cc1_total_cost"] for q in quotes if q.get("transparent") is True]
    average, cheapest = _mean(costs), min(costs, default=None)
    return {
        **quote_counts(quotes),
        "providers": len({q["firm"] for q in quotes}),
        "products": len({(q["firm"], q.get("product")) for q in quotes}),
        "average_total_cost_pct": average,
        "cheapest_total_cost_pct": cheapest,
        "dearest_total_cost_pct": max(costs, default=None),
        "spread_pp": average - cheapest if costs else None,
        "smart": smart_figure(quotes),
        "share_below_5": _share(sum(1 for c in costs if c < 5), len(costs)),
        "share_at_or_below_3": _share(sum(1 for c in costs if c <= 3), len(costs)),
        "share_transparent": _share(len(costs), len(quotes)),
        "mix": {field: mix(quotes, field) for field in MIX_FIELDS},
    }


def receiving_country_summary(quotes, destination):
    """Every corridor into ``destination``, each in its own newest period
    among ``quotes``, with its scorecard headline; and the cheapest and
    dearest of them by average. Periods are said per corridor."""
    newest = {}
    by_corridor_period = defaultdict(list)
    for q in quotes:
        if q["destination"] != destination:
            continue
        by_corridor_period[(q["source"], q["period"])].append(q)
        newest[q["source"]] = max(newest.get(q["source"], q["period"]), q["period"])
    corridors = []
    for source, period in sorted(newest.items()):
        card = corridor_scorecard(by_corridor_period[(source, period)])
        corridors.append({"source": source, "period": period, "providers": card["providers"],
                          "quotes": card["quotes"], "average_total_cost_pct": card["average_total_cost_pct"],
                          "cheapest_total_cost_pct": card["cheapest_total_cost_pct"],
                          "smart_pct": card["smart"]["value"], "share_below_5": card["share_below_5"]})
    ranked = [c for c in corridors if c["average_total_cost_pct"] is not None]
    key = lambda c: c["average_total_cost_pct"]  # noqa: E731
    return {"destination": destination, "corridors": corridors,
            "cheapest_corridor": min(ranked, key=key, default=None),
            "dearest_corridor": max(ranked, key=key, default=None)}
