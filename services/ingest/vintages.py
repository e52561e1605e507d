"""Vintages, decided over plain values (``store_vintages`` keeps them).

Every publication is a *release*; each published figure (one SDMX
observation: a dataflow, a series key, a time period) keeps a *version* per
release that changed its value: valid from that release's time until the
next one that changed or removed it. What changed between two states is
decided here: ``R`` (replace: a new or revised value) or ``D`` (delete: a
figure no longer published). Only figures whose value moved are written, so
a publication costs what it changed, not what is stored.

The figures kept, in the dimension ids of ``observatory.sdmx.structures``:
- ``RPW_CORRIDOR_COST``: each corridor-quarter of the observed, official and
  derived series, at USD 200 and (where published) USD 500;
- ``RPW_INDICATORS``: each quarter's headline indicators;
- ``FLOWS``: each country-year of the inflow, outflow and %-of-GDP series,
  and each cell (receiver, sender, year) of the bilateral matrices;
- ``RPW_PRICES``: each provider quote's fee, FX margin and total costs
  (``observatory.sdmx.prices``), compared only for the corridor-periods a
  publication points at other quotes;
- ``NATIONAL_REMITTANCES``: each published national observation; a change of
  its attributes alone (OBS_STATUS, UNIT_MULT, ...) is a revision too, as the
  reporter sent it. An embargoed release is recorded when it is published (at
  its date), so no vintage before then has it.
"""
import datetime as dt

from observatory.clock import instant
from observatory.sdmx import observations as sdmx_observations
from observatory.sdmx.codelists import FLOW_SERIES, UNITS, indicator_unit
from observatory.sdmx.structures import structure_of
from observatory.vocabulary import RPW_INDICATOR_CODES

CORRIDOR_FLOW, INDICATOR_FLOW, FLOWS_FLOW = "RPW_CORRIDOR_COST", "RPW_INDICATORS", "FLOWS"
PRICES_FLOW, NATIONAL_FLOW = "RPW_PRICES", "NATIONAL_REMITTANCES"
FLOWS_WITH_HISTORY = (CORRIDOR_FLOW, INDICATOR_FLOW, FLOWS_FLOW, PRICES_FLOW, NATIONAL_FLOW)
DIMENSIONS = {flow: tuple(structure_of(flow).dimension_ids) for flow in FLOWS_WITH_HISTORY}
REVISED_BY_ATTRIBUTES = (NATIONAL_FLOW,)  # the reporter's attributes are part of its figure
REPLACE, DELETE = "R", "D"
TOLERANCE = 1e-9
# The indicators of a period state's figures, beyond the vocabulary's six: the count of corridors without SmaRT.
INDICATORS = {**RPW_INDICATOR_CODES, "corridors_without_smart": "CORRIDORS_WITHOUT_SMART"}
AMOUNTS = {"USD200": "average_total_cost_pct", "USD500": "average_total_cost_pct_500"}


def sdmx_quarter(period):
    """2014Q1 → 2014-Q1 (SDMX's form; the store's is 2014Q1)."""
    return f"{period[:4]}-{period[4:]}"


def store_quarter(time_period):
    return time_period.replace("-", "")


def series_key(flow, observation):
    return ".".join(str(observation[d]) for d in DIMENSIONS[flow])


def figure_key(flow, observation):
    """``RPW_CORRIDOR_COST:Q.ARE.EGY.OBSERVED.USD200:2014-Q1``: one figure, whatever its value."""
    return f"{flow}:{series_key(flow, observation)}:{observation['TIME_PERIOD']}"


def _number(value):
    return None if value is None or isinstance(value, bool) else value


# -- the figures of each published thing ----------------------------------------------------

def corridor_figures(series, period, key, entry):
    """{figure key: (observation, payload)} of one corridor-period of a series ("observed", "official",
    "derived"); ``entry`` is its summary (observed) or its stored record; ``payload`` is what a read of
    that vintage needs back (a series' entry itself; None for observed figures, read from period states)."""
    source, destination = key.split(":")
    figures = {}
    for amount, field in AMOUNTS.items():
        value = _number((entry or {}).get(field))
        if value is None:
            continue
        observation = {"FREQ": "Q", "SOURCE_AREA": source, "DEST_AREA": destination, "SERIES": series.upper(),
                       "AMOUNT": amount, "TIME_PERIOD": sdmx_quarter(period), "OBS_VALUE": value,
                       "UNIT_MEASURE": "PC"}
        if series == "observed":  # a vintage's observed reads come from the period states its release names
            observation.update(QUOTES=entry.get("quotes_total"), QUOTES_TRANSPARENT=entry.get("quotes_transparent"))
        payload = None if series == "observed" else {"series": series, "key": key, **entry}
        figures[figure_key(CORRIDOR_FLOW, observation)] = (observation, payload)
    return figures


def state_figures(state):
    """Every figure of one observed period state: its corridors' and its indicators'."""
    figures = {}
    for key, entry in (state.get("corridors") or {}).items():
        figures.update(corridor_figures("observed", state["period"], key, entry))
    figures.update(indicator_figures(state["period"], state.get("figures") or {}))
    return figures


def indicator_figures(period, figures):
    found = {}
    for field, code in INDICATORS.items():
        value = _number(figures.get(field))
        if value is None:
            continue
        observation = {"FREQ": "Q", "INDICATOR": code, "TIME_PERIOD": sdmx_quarter(period), "OBS_VALUE": value,
                       "UNIT_MEASURE": indicator_unit(code)}
        if field == "global_weighted_average_pct":
            observation["WEIGHT_YEAR"] = figures.get("weight_year")
        found[figure_key(INDICATOR_FLOW, observation)] = (observation, None)  # read from the period states
    return found


def country_series_figures(iso3, name, series):
    """The figures of one stored country series ({"label", "unit", "source", "values": {year: value}});
    none for a series without an SDMX indicator."""
    if name not in FLOW_SERIES:
        return {}
    indicator, source = FLOW_SERIES[name]
    unit, multiplier = UNITS.get(series.get("unit"), (None, None))
    meta = {k: v for k, v in series.items() if k != "values"}
    found = {}
    for year, value in (series.get("values") or {}).items():
        value = _number(value)
        if value is None:
            continue
        observation = {"FREQ": "A", "REF_AREA": iso3, "COUNTERPART_AREA": "WLD", "INDICATOR": indicator,
                       "SOURCE": source, "TIME_PERIOD": str(year), "OBS_VALUE": value, "UNIT_MEASURE": unit,
                       "UNIT_MULT": multiplier}
        found[figure_key(FLOWS_FLOW, observation)] = (observation, {"iso3": iso3, "series": name, "year": str(year),
                                                                    **meta})
    return found


def price_figures(period, key, quote_fields, rows):
    """The RPW_PRICES figures of one corridor-period's staged quotes (rows in ``quote_fields`` order)."""
    source, destination = key.split(":")
    quotes = [dict(zip(quote_fields, row)) for row in rows or ()]
    return {figure_key(PRICES_FLOW, o): (o, None)
            for o in sdmx_observations.price_observations(source, destination, sdmx_quarter(period), quotes)}


def matrix_figures(row):
    """The FLOWS figures of one stored bilateral-matrix row ({year, source, flows: {receiver: USD millions}})."""
    found = {}
    for destination, value in ((row or {}).get("flows") or {}).items():
        value = _number(value)
        if value is not None:
            observation = sdmx_observations.matrix_observation(row["year"], row["source"], destination, value)
            found[figure_key(FLOWS_FLOW, observation)] = (observation, None)
    return found


def national_figure(observation):
    """The NATIONAL_REMITTANCES figure of one published national observation (SDMX dims, TIME_PERIOD,
    OBS_VALUE and its attributes)."""
    return {figure_key(NATIONAL_FLOW, observation): (observation, None)}


# -- what changed ---------------------------------------------------------------------------

def moved(before, after):
    if (before is None) != (after is None):
        return True
    return before is not None and abs(after - before) > TOLERANCE


def revised(flow, old, new):
    """Whether ``new`` (an observation) revises ``old``: its value moved, or for the flows whose
    attributes are the sender's (``REVISED_BY_ATTRIBUTES``), an attribute changed."""
    if moved(old["OBS_VALUE"], new["OBS_VALUE"]):
        return True
    if flow not in REVISED_BY_ATTRIBUTES:
        return False
    return {k: v for k, v in old.items() if k != "OBS_VALUE"} != {k: v for k, v in new.items() if k != "OBS_VALUE"}


def changes(before, after, covered=None):
    """[(figure key, action, observation, payload or None)] from ``before`` to ``after`` (each
    {figure key: (observation, payload)}), in figure-key order: ``R`` for a figure new or whose value moved,
    ``D`` for one in ``before`` that ``after`` no longer has (its observation: the key alone).
    ``covered`` (figure keys): the only ones that can be deleted; default all of ``before``."""
    found = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        flow = key.split(":", 1)[0]
        if new is not None:
            if old is None or revised(flow, old[0], new[0]):
                found.append((key, REPLACE, new[0], new[1]))
        elif covered is None or key in covered:
            found.append((key, DELETE, {d: old[0][d] for d in (*DIMENSIONS[flow], "TIME_PERIOD")}, None))
    return found


def tally(found):
    """{flow: {"R": n, "D": n}} of a list of changes: what a release changed."""
    counts = {}
    for key, action, _, _ in found:
        flow = key.split(":", 1)[0]
        counts.setdefault(flow, {REPLACE: 0, DELETE: 0})[action] += 1
    return counts


# -- time -----------------------------------------------------------------------------------

def stored_time(value):
    """A datetime as the store keeps it: aware UTC, to the millisecond (so a published_at read back and
    written into a permalink selects the same release); a naive one is taken as UTC."""
    value = value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def timestamp_text(value):
    """The ISO 8601 form of a stored time a permalink carries: ``2026-12-02T13:55:01.123Z``."""
    return stored_time(value).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def parse_as_of(text, now):
    """An ``as_of`` (ISO 8601 with a timezone or Z) as a stored time; ValueError saying why not (no
    timezone, not a timestamp, in the future)."""
    value = instant(text)
    if value > now:
        raise ValueError("asOf is in the future: nothing was published then yet")
    return stored_time(value)
