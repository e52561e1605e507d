"""The real files of ../shared/data read once through the ingest parsers,
as the plain rows the analysis functions take."""
import csv
import functools
from collections import defaultdict

from services.ingest.indicators import Quote, corridor_figures
from services.ingest.parsers.corridor_averages import parse_corridor_averages
from services.ingest.parsers.corridor_means import parse_corridor_means
from services.ingest.parsers.country_flows import parse_country_flows
from services.ingest.parsers.rpw_quotes import parse_rpw_quotes
from tests.conftest import SHARED_DATA
from tests.ingest_files import DATABANK, DERIVED, FLOWS, RPW_QUOTES

KNOMAD_INFLOWS = FLOWS / "knomad_remittance_inflows_2000_2022_jun2023.xlsx"
WDI = SHARED_DATA / "wdi"
WDI_FILES = {"inflows_pct_gdp": "wdi_BX.TRF.PWKR.DT.GD.ZS_remittances_received_pct_gdp.csv",
             "cost_to_receive": "wdi_SI.RMT.COST.IB.ZS_cost_sending_to_country_pct.csv",
             "cost_to_send": "wdi_SI.RMT.COST.OB.ZS_cost_sending_from_country_pct.csv",
             "inflows_usd": "wdi_BX.TRF.PWKR.CD.DT_remittances_received_usd.csv"}


def _records(parser, path):
    with open(path, "rb") as f:
        return [row.record for row in parser(f) if row.record is not None]


@functools.lru_cache(maxsize=1)
def quotes():
    return _records(parse_rpw_quotes, RPW_QUOTES)


def quotes_of(period, source, destination):
    return [q for q in quotes() if (q["period"], q["source"], q["destination"]) == (period, source, destination)]


@functools.lru_cache(maxsize=1)
def corridor_series():
    """Every corridor figure of the three series, as ``{"source", "destination",
    "period", "series", "value"}``; observed ones computed the way ingest does."""
    grouped = defaultdict(list)
    for q in quotes():
        grouped[(q["period"], q["source"], q["destination"])].append(Quote.from_record(q))
    observed = [{"period": p, "source": s, "destination": d, "series": "observed",
                 "value": corridor_figures(group)["average_total_cost_pct"]} for (p, s, d), group in grouped.items()]
    published = [{"period": r["period"], "source": r["source"], "destination": r["destination"], "series": series,
                  "value": r["average_total_cost_pct"]}
                 for series, parser, path in (("official", parse_corridor_averages, DATABANK),
                                              ("derived", parse_corridor_means, DERIVED))
                 for r in _records(parser, path)]
    return [f for f in observed if f["value"] is not None] + published


@functools.lru_cache(maxsize=1)
def flow_records():
    paths = [KNOMAD_INFLOWS] + [WDI / name for name in WDI_FILES.values()]
    return [record for path in paths for record in _records(parse_country_flows, path)]


# The same files read with the csv module alone, for tests to count what the
# analysis should find in a way that shares nothing with the parsers.
def rpw_period(text):
    """RPW's ``2014_1Q`` → ``2014Q1``."""
    return f"{text[:4]}Q{text[5]}"


@functools.lru_cache(maxsize=1)
def raw_quote_rows():
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        return [{**row, "period": rpw_period(row["period"])} for row in csv.DictReader(f)]


@functools.lru_cache(maxsize=1)
def raw_databank():
    """``{(period, source, destination): value}`` from the DataBank CSV ('..' is missing)."""
    with open(DATABANK, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        periods = {i: c.split(" ")[0] for i, c in enumerate(header) if c[:4].isdigit()}
        names = [" ".join(c.split()) for c in header]  # two headers hold double spaces
        src, dst = names.index("Sending Countries Code"), names.index("Receiving Countries Code")
        return {(p, row[src], row[dst]): float(row[i]) for row in reader if len(row) == len(header)
                for i, p in periods.items() if row[i] not in ("..", "")}


@functools.lru_cache(maxsize=1)
def raw_derived():
    with open(DERIVED, encoding="utf-8", newline="") as f:
        return {(rpw_period(r["period"]), r["source_code"], r["destination_code"]): float(r["avg_cost_pct_200usd"])
                for r in csv.DictReader(f)}


def raw_wdi(name):
    """``{iso3: {year: value}}`` of one WDI CSV, as published (USD, not millions)."""
    with open(WDI / WDI_FILES[name], encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        years = {i: int(c) for i, c in enumerate(header) if c.isdigit()}
        return {row[1]: {y: float(row[i]) for i, y in years.items() if i < len(row) and row[i] != ""}
                for row in reader if len(row) > 4}
