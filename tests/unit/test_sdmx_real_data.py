"""The real files as SDMX observations (official RPW corridor averages, KNOMAD
inflows, RPW provider quotes), read with the ingest parsers: the data every
SDMX writer test uses. Other test_sdmx_* modules import these builders."""
import functools
from decimal import ROUND_HALF_UP, Decimal

from observatory.sdmx.codelists import FLOW_SERIES, UNITS, vocabulary_code
from gateway.sdmx.values import time_period
from observatory.vocabulary import SERIES_LABELS
from services.ingest.parsers.corridor_averages import parse_corridor_averages
from services.ingest.parsers.country_flows import parse_country_flows
from services.ingest.parsers.rpw_quotes import parse_rpw_quotes
from tests.conftest import SHARED_DATA

OFFICIAL_AVERAGES = SHARED_DATA / "rpw" / "rpw_corridor_avg_total_cost_databank_2011q1_2020q3.csv"
KNOMAD_INFLOWS = SHARED_DATA / "flows" / "knomad_remittance_inflows_2000_2022_jun2023.xlsx"
RPW_QUOTES = SHARED_DATA / "rpw" / "rpw_provider_quotes_2011q1_2014q1.csv"


def _records(parser, path):
    with open(path, "rb") as f:
        return [row.record for row in parser(f) if row.record]


@functools.lru_cache(maxsize=1)
def official_averages():
    return _records(parse_corridor_averages, OFFICIAL_AVERAGES)


@functools.lru_cache(maxsize=1)
def knomad_inflows():
    return _records(parse_country_flows, KNOMAD_INFLOWS)


@functools.lru_cache(maxsize=1)
def rpw_quotes():
    return _records(parse_rpw_quotes, RPW_QUOTES)


def corridor_observations():
    """RPW_CORRIDOR_COST observations of the official series, sorted by series key then period."""
    observations = [{"FREQ": "Q", "SOURCE_AREA": r["source"], "DEST_AREA": r["destination"], "SERIES": "OFFICIAL",
                     "AMOUNT": "USD200", "TIME_PERIOD": r["period"], "OBS_VALUE": r["average_total_cost_pct"],
                     "UNIT_MEASURE": "PC", "PROVENANCE": SERIES_LABELS["official"]} for r in official_averages()]
    return sorted(observations, key=lambda o: (o["SOURCE_AREA"], o["DEST_AREA"], o["TIME_PERIOD"]))


def flow_observations():
    """FLOWS observations of the KNOMAD inflows (counterpart WLD: totals)."""
    observations = []
    for record in knomad_inflows():
        indicator, source = FLOW_SERIES[record["series"]]
        unit, multiplier = UNITS[record["unit"]]
        for year, value in sorted(record["values"].items()):
            if value is not None:
                observations.append({"FREQ": "A", "REF_AREA": record["iso3"], "COUNTERPART_AREA": "WLD",
                                     "INDICATOR": indicator, "SOURCE": source, "TIME_PERIOD": year,
                                     "OBS_VALUE": value, "UNIT_MEASURE": unit, "UNIT_MULT": multiplier})
    return sorted(observations, key=lambda o: (o["REF_AREA"], o["TIME_PERIOD"]))


def _quote_key(quote):
    return quote["period"], quote["source"], quote["destination"], quote["firm"], quote["product"]


def price_observations(sources=("USA", "GBR")):
    """RPW_PRICES observations (total cost, FX margin, and the fee to DECIMALS 2) of the
    quotes sent from ``sources`` whose corridor, quarter, firm and product identify one quote."""
    quotes = [q for q in rpw_quotes() if q["source"] in sources and q["product"]]
    seen = {}
    for quote in quotes:
        seen[_quote_key(quote)] = seen.get(_quote_key(quote), 0) + 1
    observations = []
    for quote in quotes:
        if seen[_quote_key(quote)] > 1:
            continue
        common = {"FREQ": "Q", "SOURCE_AREA": quote["source"], "DEST_AREA": quote["destination"],
                  "PROVIDER": quote["firm"], "PRODUCT": quote["product"], "AMOUNT": "USD200",
                  "TIME_PERIOD": quote["period"], "FIRM_TYPE": vocabulary_code("CL_FIRM_TYPE", quote["firm_type"]),
                  "SPEED": vocabulary_code("CL_SPEED", quote["speed"]), "TRANSPARENT": quote["transparent"],
                  "UNIT_MEASURE": "PC"}
        for measure, field, decimals in (("FEE", "cc1_fee_pct", 2), ("FX_MARGIN", "cc1_fx_margin", None),
                                         ("TOTAL_COST", "cc1_total_cost", None)):
            if quote.get(field) is not None:
                observations.append({**common, "MEASURE": measure, "OBS_VALUE": quote[field], "DECIMALS": decimals})
    key = ("SOURCE_AREA", "DEST_AREA", "PROVIDER", "PRODUCT", "MEASURE", "TIME_PERIOD")
    return sorted(observations, key=lambda o: tuple(o[k] for k in key))


def published(value, places):
    """A source value as SDMX publishes it at DECIMALS ``places``: rounded half up from its shortest
    decimal form (15.2349996566772 → 15.235 at 4 places), as a float."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def series_keys(observations, dimension_ids):
    return [(*(o[d] for d in dimension_ids), time_period(o["TIME_PERIOD"])) for o in observations]


def test_every_official_average_becomes_one_observation():
    observations = corridor_observations()
    assert len(observations) == len(official_averages()) > 10_000
    keys = series_keys(observations, ("SOURCE_AREA", "DEST_AREA"))
    assert len(set(keys)) == len(keys)


def test_every_knomad_inflow_becomes_one_observation_in_usd_millions():
    observations = flow_observations()
    assert len(observations) == sum(sum(v is not None for v in r["values"].values()) for r in knomad_inflows())
    assert {(o["UNIT_MEASURE"], o["UNIT_MULT"]) for o in observations} == {("USD", "6")}
    keys = series_keys(observations, ("REF_AREA",))
    assert len(set(keys)) == len(keys)


def test_quotes_become_prices_with_their_survey_vocabulary_coded():
    observations = price_observations()
    assert {o["MEASURE"] for o in observations} == {"FEE", "FX_MARGIN", "TOTAL_COST"}
    assert {o["FIRM_TYPE"] for o in observations} >= {"BANK", "MONEY_TRANSFER_OPERATOR", None}
    assert {o["SPEED"] for o in observations} >= {"LESS_THAN_ONE_HOUR", "3_5_DAYS", "6_DAYS_OR_MORE"}
    keys = series_keys(observations, ("SOURCE_AREA", "DEST_AREA", "PROVIDER", "PRODUCT", "MEASURE"))
    assert len(set(keys)) == len(keys)
