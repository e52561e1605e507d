"""The cost methodology of DESIGN §5 as plain functions over plain data.

A quote is a ``Quote`` (a slim named tuple; the importer keeps many in memory).
Corridor figures come from one corridor-period's quotes; period figures come
from the corridor-period summaries (sums and counts), so a period is
recomputed from its few hundred corridors, never from every stored quote.
"""
import statistics
from collections import defaultdict
from typing import NamedTuple

from observatory.countries import G20, countries

SMART_QUOTES = 3
# A bilateral matrix appears about two years after its reference year: a
# quarter is weighted with the latest matrix published before it (2014
# quarters with the 2012 matrix reproduce RPW's published 5.91 % for 2014Q1).
DEFAULT_WEIGHT_LAG_YEARS = 2
BELOW = 5.0
AT_OR_BELOW = 3.0


class Quote(NamedTuple):
    firm: str
    firm_type: str | None
    product: str | None
    payment_instrument: str | None
    access_point: str | None
    pickup_method: str | None
    speed: str | None
    within_5_days: bool
    transparent: bool | None
    fee_pct: float | None
    fx_margin_pct: float | None
    total_cost_pct: float
    total_cost_pct_500: float | None
    source_id: str | None
    note: str | None

    @classmethod
    def from_record(cls, r):
        return cls(r["firm"], r.get("firm_type"), r.get("product"), r.get("payment_instrument"),
                   r.get("access_point"), r.get("pickup_method"), r.get("speed"), r["within_5_days"],
                   r.get("transparent"), r.get("cc1_fee_pct"), r.get("cc1_fx_margin"), r["cc1_total_cost"],
                   r.get("cc2_total_cost"), r.get("source_id"), r.get("note1"))


def _mean(values):
    values = list(values)
    return sum(values) / len(values) if values else None


def corridor_figures(quotes):
    """Everything the platform publishes about one corridor in one period."""
    counted = [q for q in quotes if q.transparent is True]  # undisclosed FX: kept, never averaged
    totals = [q.total_cost_pct for q in counted]
    cheapest = min(counted, key=lambda q: q.total_cost_pct, default=None)
    fast = sorted(q.total_cost_pct for q in counted if q.within_5_days)
    by_type = defaultdict(list)
    for q in counted:
        by_type[q.firm_type or "Unknown"].append(q.total_cost_pct)
    return {
        "average_total_cost_pct": _mean(totals),
        "average_total_cost_pct_500": _mean(q.total_cost_pct_500 for q in counted if q.total_cost_pct_500 is not None),
        "smart_average_pct": _mean(fast[:SMART_QUOTES]) if len(fast) >= SMART_QUOTES else None,
        "min_total_cost_pct": min(totals) if totals else None,
        "max_total_cost_pct": max(totals) if totals else None,
        "median_total_cost_pct": statistics.median(totals) if totals else None,
        "cheapest_provider": cheapest.firm if cheapest else None,
        "average_fee_pct": _mean(q.fee_pct for q in counted if q.fee_pct is not None),
        "average_fx_margin_pct": _mean(q.fx_margin_pct for q in counted if q.fx_margin_pct is not None),
        "by_firm_type": {t: {"average_total_cost_pct": _mean(v), "quotes": len(v)} for t, v in sorted(by_type.items())},
        "quotes_total": len(quotes),
        "quotes_transparent": len(counted),
        "services": len({(q.firm, q.product, q.payment_instrument, q.access_point) for q in quotes}),
        "sum_total_cost_pct": sum(totals),  # for period and group means over quotes
    }


class _Acc:
    __slots__ = ("total", "n")

    def __init__(self):
        self.total, self.n = 0.0, 0

    def add(self, total, n):
        self.total += total
        self.n += n

    def mean(self):
        return self.total / self.n if self.n else None


def period_figures(period, corridors, weights=None, weight_year=None):
    """Period indicators from that period's corridor summaries.

    ``corridors``: dicts with source, destination, sum_total_cost_pct,
    quotes_transparent, average_total_cost_pct, smart_average_pct.
    ``weights``: {(source, destination): USD millions} from the bilateral
    matrix of ``weight_year`` (the latest year not after the period).
    """
    table = countries()
    overall, ldc, g20 = _Acc(), _Acc(), _Acc()
    groups = {"region": defaultdict(_Acc), "income_group": defaultdict(_Acc),
              "sending_country": defaultdict(_Acc), "receiving_country": defaultdict(_Acc)}
    averaged, weighted_sum, weight_total, without_smart = [], 0.0, 0.0, 0
    for c in corridors:
        total, n = c["sum_total_cost_pct"], c["quotes_transparent"]
        overall.add(total, n)
        destination = table.get(c["destination"])
        if destination and destination.is_ldc(period):
            ldc.add(total, n)
        if c["source"] in G20:
            g20.add(total, n)
        if destination and destination.wb_region:
            groups["region"][destination.wb_region].add(total, n)
        if destination and destination.income_group:
            groups["income_group"][destination.income_group].add(total, n)
        groups["sending_country"][c["source"]].add(total, n)
        groups["receiving_country"][c["destination"]].add(total, n)
        average = c["average_total_cost_pct"]
        if average is None:
            continue
        averaged.append(average)
        if c["smart_average_pct"] is None:
            without_smart += 1
        weight = (weights or {}).get((c["source"], c["destination"]))
        if weight:
            weighted_sum += average * weight
            weight_total += weight
    return {
        "period": period,
        "global_average_pct": overall.mean(),
        "global_weighted_average_pct": weighted_sum / weight_total if weight_total else None,
        "weight_year": weight_year if weight_total else None,
        "ldc_average_pct": ldc.mean(),
        "g20_senders_average_pct": g20.mean(),
        "quotes_transparent": overall.n,
        "corridors": len(averaged),
        "share_corridors_below_5_pct": _share(averaged, lambda a: a < BELOW),
        "share_corridors_at_or_below_3_pct": _share(averaged, lambda a: a <= AT_OR_BELOW),
        "corridors_without_smart": without_smart,
        **{f"by_{name}": {key: {"average_pct": acc.mean(), "quotes": acc.n}
                          for key, acc in sorted(accs.items()) if acc.n}
           for name, accs in groups.items()},
    }


def _share(values, test):
    return sum(1 for v in values if test(v)) / len(values) if values else None
