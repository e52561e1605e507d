"""The DECIMALS attribute of every observation: the places a figure is
published with (gateway.sdmx.values writes OBS_VALUE to them), one rule per
dataflow and unit, so that every format and every export (views of the
dataflows) writes the same digits, without float noise.

- provider prices (fee, FX margin, total cost %): 2, the survey's own places;
- averages in percent (corridor costs of every series, the cost indicators,
  WDI's costs to send and receive): 4. Two would not do: the DataBank's
  official averages arrive as single-precision floats (15.235 is stored
  15.2349996566772, which 2 places would make 15.23, a cent wrong), and the
  observed averages reproduce them within 0.01 pp only with more places;
- shares of corridors (a fraction, 0 to 1): 4, two places of a percentage;
- counts (corridors without SmaRT): 0;
- USD millions (KNOMAD, WDI, the bilateral matrix): 2, so that the flows of
  small economies (a few millions) keep their figure; % of GDP: 2;
- national submissions: the DECIMALS the reporter sent, else the places of the
  value as submitted (at most MAX_NATIONAL_DECIMALS): published as reported."""
import math
from decimal import Decimal

PRICE, AVERAGE, SHARE, COUNT, USD_MILLIONS, PCT_OF_GDP = 2, 4, 4, 0, 2, 2
SHARE_INDICATORS = ("SHARE_BELOW_5", "SHARE_AT_OR_BELOW_3")
COUNT_INDICATORS = ("CORRIDORS_WITHOUT_SMART",)
MAX_NATIONAL_DECIMALS = 6


def _indicator(observation):
    indicator = observation.get("INDICATOR")
    if indicator in SHARE_INDICATORS:
        return SHARE
    return COUNT if indicator in COUNT_INDICATORS else AVERAGE


def _as_submitted(observation):
    value = observation.get("OBS_VALUE")
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return None  # no number to describe (a deletion, or a value the writer refuses)
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return min(max(0, -exponent), MAX_NATIONAL_DECIMALS)


FLOW_UNITS = {"USD": USD_MILLIONS, "PC_GDP": PCT_OF_GDP, "PC": AVERAGE}
RULES = {"RPW_CORRIDOR_COST": lambda o: AVERAGE, "RPW_PRICES": lambda o: PRICE, "RPW_INDICATORS": _indicator,
         "FLOWS": lambda o: FLOW_UNITS.get(o.get("UNIT_MEASURE"), AVERAGE),
         "NATIONAL_REMITTANCES": _as_submitted}


def decimals(flow_id, observation):
    """The DECIMALS of one observation of ``flow_id``: the one it carries, else the flow's rule."""
    if observation.get("DECIMALS") is not None:
        return observation["DECIMALS"]
    rule = RULES.get(flow_id)
    return rule(observation) if rule else None


def with_decimals(flow_id, observation):
    """The observation with its DECIMALS set (a new dict; the one given is not changed)."""
    return {**observation, "DECIMALS": decimals(flow_id, observation)}
