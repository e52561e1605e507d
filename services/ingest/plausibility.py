"""Plausibility before publication (DESIGN §6), as plain functions.

Non-finite numbers never get this far (the parsers refuse them). What is
finite but implausible becomes a *suspect*: the dataset is held for review
(``needs_review``) with each one listed, and the operator publishes or
rejects it. The rules, each a few lines below:

- ``bounds``: a value outside its field's documented bounds (``BOUNDS``);
- ``history``: a value far outside its series' other values: a corridor's
  averages beyond ``history_factor`` spreads of their range (the spread at
  least ``history_floor`` pp and ``history_relative_floor`` of their
  magnitude); an economy's yearly flows above ``history_ratio`` times
  their largest (real flows jump 24-fold: Kuwait's inflows in 2021);
- ``period_change``: an observed corridor average (computed here from
  quotes) that moved more than ``max_period_change_pp`` percentage points
  since the corridor's previous period (not applied to the official and
  derived series: their one-quote means swing by 50 pp, SAU→SYR 2022);
- ``duplicate``: a quote whose survey id was already seen in the file.

Every threshold is configuration (``PLAUSIBILITY`` in the ingest config).
"""
import dataclasses
import time
from collections import defaultdict

COST_PCT = (-100.0, 500.0)  # a cost below -100 % pays out twice the amount; real costs run -59 % to 307 %
MONEY_LCU = (0.0, 1e9)  # amounts and fees in the sending currency (200 USD is 324,500 in the dearest one)
RATE = (0.0, 1e9)  # units of receiving currency per sending unit
FLOW_USD_M = (0.0, 1e7)  # USD millions: a country's or a corridor's year (the world's is under 1e6)
SHARE_PCT = (0.0, 1000.0)  # % of GDP

BOUNDS = {
    # rpw-quotes
    "cc1_total_cost": COST_PCT, "cc2_total_cost": COST_PCT, "cc1_fx_margin": COST_PCT, "cc2_fx_margin": COST_PCT,
    "cc1_fee_pct": COST_PCT, "cc1_lcu_fee": MONEY_LCU, "cc2_lcu_fee": MONEY_LCU, "cc1_lcu_amount": MONEY_LCU,
    "cc2_lcu_amount": MONEY_LCU, "cc1_denomination_amount": MONEY_LCU, "cc2_denomination_amount": MONEY_LCU,
    "cc1_lcu_fx_rate": RATE, "cc2_lcu_fx_rate": RATE, "interbank_fx": RATE,
    # rpw-corridor-averages, rpw-corridor-means
    "average_total_cost_pct": COST_PCT, "average_total_cost_pct_500": COST_PCT, "average_fx_margin_pct": COST_PCT,
    "quote_rows": (0.0, 1e6),
    # bilateral-matrix (a cell, a row's published total)
    "flow_usd_m": FLOW_USD_M, "published_total": FLOW_USD_M,
    # country-flows, by the series' unit
    "USD millions": FLOW_USD_M, "% of GDP": SHARE_PCT, "%": COST_PCT,
}


@dataclasses.dataclass(frozen=True)
class Rules:
    bounds: dict = dataclasses.field(default_factory=lambda: dict(BOUNDS))
    max_period_change_pp: float = 25.0
    history_factor: float = 4.0  # percentages: spreads beyond the others' range
    history_floor: float = 5.0  # pp: the least spread
    history_relative_floor: float = 0.5  # of the largest magnitude in the series: the least spread
    history_ratio: float = 100.0  # flows: times the others' largest value
    history_ratio_floor: float = 10.0  # USD m: the least 'largest value'
    history_min_points: int = 4  # a series with fewer other points has no history to speak of
    max_listed: int = 500

    @classmethod
    def from_config(cls, mapping):
        """``PLAUSIBILITY``: any of the fields above; ``bounds`` entries override one field at a time."""
        mapping = dict(mapping or {})
        unknown = set(mapping) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"unknown PLAUSIBILITY settings: {sorted(unknown)}")
        bounds = {**BOUNDS, **{k: tuple(map(float, v)) for k, v in (mapping.pop("bounds", None) or {}).items()}}
        types = {f.name: type(f.default) for f in dataclasses.fields(cls) if f.name != "bounds"}
        return cls(bounds=bounds, **{k: types[k](v) for k, v in mapping.items()})  # env values come as text


def suspect(rule, field, value, usual_range, row=None, **where):
    """One listed suspect value: where it is, what it is, the rule, the range it should be in."""
    return {"row": row, "field": field, "value": value, "rule": rule,
            "usual_range": [usual_range[0], usual_range[1]], **where}


def out_of_bounds(record, rules, row=None, fields=None, **where):
    """Suspects for the record's numeric fields outside their bounds."""
    found = []
    for name in fields or record:
        value, bounds = record.get(name), rules.bounds.get(name)
        if bounds and isinstance(value, float) and not bounds[0] <= value <= bounds[1]:
            found.append(suspect("bounds", name, value, bounds, row, **where))
    return found


def history_outliers(points, rules, field, ratio=False, **where):
    """Suspects among ``points`` ({point: value}, one series' values): each
    point against the range of the others (an outlier does not hide itself).
    Percentages are compared by distance; flows (``ratio``), which span
    orders of magnitude and start from zeros meaning 'not available', by how
    many times they exceed the others' largest value."""
    found = []
    if len(points) <= rules.history_min_points:
        return found
    ordered = sorted(points.items())
    for (point, value), (low, high) in zip(ordered, _ranges_of_the_others([v for _, v in ordered])):
        if ratio:
            far = value > rules.history_ratio * max(high, rules.history_ratio_floor)
        else:
            spread = max(high - low, rules.history_floor, rules.history_relative_floor * max(abs(low), abs(high)))
            far = value > high + rules.history_factor * spread or value < low - rules.history_factor * spread
        if far:
            found.append(suspect("history", field, value, (low, high), point=point, **where))
    return found


def _ranges_of_the_others(values):
    """(min, max) of every value but the i-th, for each i: linear, whatever the series' length."""
    inf = float("inf")
    before_low, before_high, after_low, after_high = [inf], [-inf], [inf], [-inf]
    for value in values:
        before_low.append(min(before_low[-1], value))
        before_high.append(max(before_high[-1], value))
    for value in reversed(values):
        after_low.append(min(after_low[-1], value))
        after_high.append(max(after_high[-1], value))
    count = len(values)
    return [(min(before_low[i], after_low[count - 1 - i]), max(before_high[i], after_high[count - 1 - i]))
            for i in range(count)]


def period_changes(averages, new_periods, rules, field="average_total_cost_pct", **where):
    """Suspects among ``new_periods`` of one corridor whose average moved more
    than the threshold since the corridor's previous period in ``averages``
    ({period: average}: published and new together)."""
    found, ordered = [], sorted(p for p, v in averages.items() if v is not None)
    for previous, period in zip(ordered, ordered[1:]):
        if period in new_periods and abs(averages[period] - averages[previous]) > rules.max_period_change_pp:
            found.append(suspect("period_change", field, averages[period],
                                 (averages[previous] - rules.max_period_change_pp,
                                  averages[previous] + rules.max_period_change_pp),
                                 period=period, previous_period=previous, previous_value=averages[previous],
                                 **where))
    return found


def corridor_suspects(summaries, published, rules):
    """Suspect observed corridor averages of a staged dataset: ``summaries``
    ({(period, source, destination): summary}) against the corridor's other
    periods, published (``published``: {"SRC:DST": {period: average}}) and staged."""
    staged = defaultdict(dict)
    for (period, source, destination), summary in summaries.items():
        if summary.get("average_total_cost_pct") is not None:
            staged[(source, destination)][period] = summary["average_total_cost_pct"]
    found = []
    for number, ((source, destination), averages) in enumerate(sorted(staged.items())):
        if number % 50 == 0:
            time.sleep(0)  # cooperative: the import runs beside the service's reads
        merged = {**published.get(f"{source}:{destination}", {}), **averages}
        merged = {p: v for p, v in merged.items() if v is not None}
        found += period_changes(merged, averages, rules, source=source, destination=destination)
        found += [by_period(s) for s in history_outliers(merged, rules, "average_total_cost_pct", source=source,
                                                         destination=destination) if s["point"] in averages]
    return found


def by_period(found):
    """A corridor series' suspect names its point a period."""
    point = found.pop("point")
    return {**found, "period": point}


class DuplicateIds:
    """The rows whose survey id was seen before in the same file."""

    def __init__(self):
        self.seen = {}

    def check(self, record, row):
        identity = record.get("source_id")
        if not identity:
            return []
        first = self.seen.setdefault(identity, row)
        if first == row:
            return []
        return [{**suspect("duplicate", "source_id", None, (None, None), row, period=record.get("period"),
                           source=record.get("source"), destination=record.get("destination")),
                 "id": identity, "first_row": first}]


def review_of(suspects, rules):
    """What the dataset's review says of its suspects."""
    by_rule = {}
    for s in suspects:
        by_rule[s["rule"]] = by_rule.get(s["rule"], 0) + 1
    return {"suspects_total": len(suspects), "suspects_by_rule": by_rule, "suspects": suspects[:rules.max_listed]}
