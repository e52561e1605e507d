"""The observatory's codelists, built from the shared vocabularies and the
country reference data (never re-typed from them), and the mappings from the
values the platform stores to these codes."""
import csv
import functools
import re

from observatory.sdmx.model import Code, Codelist
from observatory.countries import DATA as REFERENCE_DATA, countries
from observatory.vocabulary import PROVIDER_TYPES, RPW_INDICATOR_CODES as INDICATORS, SERIES, SERIES_LABELS

# Not in the shared vocabulary yet: the speeds as the RPW survey writes them
# (the parser knows only the slowest) and the two price points (cc1, cc2).
SURVEY_SPEEDS = ("Less than one hour", "Same day", "Next day", "2 days", "3-5 days", "6 days or more")
AMOUNTS = {"USD200": "USD 200 sent (cc1)", "USD500": "USD 500 sent (cc2)"}
# Series kept beside the corridor series of observatory.vocabulary.SERIES.
EXTRA_SERIES = {"DECLARED": "declared by the provider itself; never mixed into observed averages",
                "NATIONAL": "submitted by a member state's reporting institution"}
RPW_INDICATOR_NAMES = {
    "GLOBAL_AVG": "Global average total cost (SDG 10.c.1), transparent quotes",
    "GLOBAL_WEIGHTED_AVG": "Global average weighted by corridor flows",
    "LDC_AVG": "Average total cost to Least Developed Countries",
    "G20_SENDERS_AVG": "Average total cost from G20 senders",
    "SHARE_BELOW_5": "Share of corridors with an average below 5 %",
    "SHARE_AT_OR_BELOW_3": "Share of corridors with an average at or below 3 %",
    "CORRIDORS_WITHOUT_SMART": "Corridors without a SmaRT value",
}
FLOW_INDICATOR_NAMES = {
    "INFLOW": "Remittance inflows", "OUTFLOW": "Remittance outflows",
    "INFLOW_PCT_GDP": "Remittance inflows, % of GDP",
    "COST_TO_RECEIVE": "Average cost of sending remittances to the country",
    "COST_TO_SEND": "Average cost of sending remittances from the country",
}
# Country-flow series ids as ingest stores them → (INDICATOR, SOURCE).
FLOW_SERIES = {
    "knomad_inflows_usd_m": ("INFLOW", "KNOMAD"), "knomad_outflows_usd_m": ("OUTFLOW", "KNOMAD"),
    "wdi_inflows_usd_m": ("INFLOW", "WDI"), "wdi_outflows_usd_m": ("OUTFLOW", "WDI"),
    "wdi_inflows_pct_gdp": ("INFLOW_PCT_GDP", "WDI"),
    "wdi_cost_to_receive_pct": ("COST_TO_RECEIVE", "WDI"), "wdi_cost_to_send_pct": ("COST_TO_SEND", "WDI"),
}
# Unit labels as ingest stores them → (UNIT_MEASURE, UNIT_MULT).
UNITS = {"USD millions": ("USD", "6"), "% of GDP": ("PC_GDP", "0"), "%": ("PC", "0")}


def indicator_unit(code):
    """The unit of an RPW_INDICATORS figure: an average cost is a percent; a share of corridors (a fraction
    of 1) and a count of corridors are numbers. Ingest's vintages and the gateway's answers both use it."""
    return "PC" if code.endswith("_AVG") else "NUMBER"


def code_id(text):
    """'money transfer operator' → 'MONEY_TRANSFER_OPERATOR', '3-5 days' → '3_5_DAYS' (an SDMX IDType)."""
    return re.sub(r"[^A-Z0-9]+", "_", str(text).upper()).strip("_")


def vocabulary_code(codelist_id, value):
    """The code for a value as the survey writes it ('Money Transfer Operator', '3-5 days'), or None."""
    code = code_id(value or "")
    return code if code and code in codelists()[codelist_id] else None


def _codelist(codelist_id, name, pairs):
    return Codelist(codelist_id, name, tuple(Code(code, label) for code, label in pairs))


def _vocabulary(codelist_id, name, values):
    return _codelist(codelist_id, name, [(code_id(v), v) for v in values])


def area_aggregates():
    """WLD, LDC, and the World Bank regions and income groups the platform's
    group averages use, with their codes from the classification file."""
    table = countries().by_iso3.values()
    published = {"World", "Least developed countries: UN classification"}
    published |= {c.wb_region for c in table if c.wb_region} | {c.income_group for c in table if c.income_group}
    with open(REFERENCE_DATA / "wb_class_fy2025_list_of_economies.csv", encoding="utf-8-sig", newline="") as f:
        return sorted((row["Code"].strip(), row["Economy"].strip()) for row in csv.DictReader(f)
                      if not row["Region"].strip() and row["Economy"].strip() in published)


def _areas():
    iso3 = sorted((c.iso3, c.name) for c in countries().by_iso3.values())
    return _codelist("CL_AREA", "Countries (ISO 3166 alpha-3) and the aggregates the observatory publishes",
                     iso3 + area_aggregates())


@functools.lru_cache(maxsize=1)
def codelists():
    """Every codelist, by id (built once per process)."""
    corridor_series = [(code_id(s), SERIES_LABELS[s]) for s in SERIES] + list(EXTRA_SERIES.items())
    built = [
        _areas(),
        _codelist("CL_FREQ", "Frequency", [("A", "Annual"), ("Q", "Quarterly"), ("M", "Monthly")]),
        _codelist("CL_SERIES", "Corridor cost series (never blended)", corridor_series),
        _codelist("CL_AMOUNT", "Amount sent (price point)", AMOUNTS.items()),
        _codelist("CL_MEASURE", "Measure", [("FEE", "Fee, % of the amount sent"),
                                            ("FX_MARGIN", "Exchange-rate margin, %"),
                                            ("TOTAL_COST", "Total cost, % of the amount sent"),
                                            ("INFLOW", "Inflows"), ("OUTFLOW", "Outflows")]),
        _codelist("CL_UNIT", "Unit of measure", [("PC", "Percent"), ("PC_GDP", "Percent of GDP"),
                                                 ("USD", "US dollar"), ("NUMBER", "Number")]),
        _codelist("CL_UNIT_MULT", "Unit multiplier", [("0", "Units"), ("3", "Thousands"), ("6", "Millions"),
                                                      ("9", "Billions")]),
        _vocabulary("CL_FIRM_TYPE", "Remittance service provider type", PROVIDER_TYPES),
        _vocabulary("CL_SPEED", "Speed of delivery, as the RPW survey records it", SURVEY_SPEEDS),
        _codelist("CL_OBS_STATUS", "Observation status", [("A", "Normal value"), ("B", "Time series break"),
                                                          ("E", "Estimated value"), ("F", "Forecast value"),
                                                          ("M", "Missing value"), ("P", "Provisional value")]),
        _codelist("CL_INDICATOR", "Indicator", [(code, RPW_INDICATOR_NAMES[code]) for code in INDICATORS.values()]
                  + [(c, n) for c, n in RPW_INDICATOR_NAMES.items() if c not in INDICATORS.values()]
                  + list(FLOW_INDICATOR_NAMES.items())),
        _codelist("CL_CHANNEL", "Remittance channel", [("_T", "Total, all channels")]
                  + [(code_id(t), t) for t in PROVIDER_TYPES]),
        _codelist("CL_SOURCE", "Source of a flow figure", [("KNOMAD", "KNOMAD/World Bank remittance flows"),
                                                           ("WDI", "World Bank World Development Indicators"),
                                                           ("MATRIX", "KNOMAD/World Bank bilateral remittance "
                                                                      "matrix (model estimate)")]),
    ]
    return {codelist.id: codelist for codelist in built}
