"""country-flows and rpw-corridor-averages on the real files."""
import csv
import glob

import pytest

from services.ingest.parsers.corridor_averages import parse_corridor_averages
from services.ingest.parsers.country_flows import parse_country_flows
from tests.conftest import SHARED_DATA
from tests.ingest_files import DATABANK, FLOWS

WDI = SHARED_DATA / "wdi"


def parsed(path):
    with open(path, "rb") as f:
        rows = list(parse_country_flows(f))
    assert [e for r in rows for e in r.errors] == []
    return [r.record for r in rows if r.record]


def test_knomad_inflows_are_usd_millions_as_published():
    import openpyxl

    records = {r["iso3"]: r for r in parsed(FLOWS / "knomad_remittance_inflows_2000_2022_jun2023.xlsx")}
    assert len(records) == 214  # economies; World and Low-and-Middle-Income are not
    sheet = openpyxl.load_workbook(FLOWS / "knomad_remittance_inflows_2000_2022_jun2023.xlsx", read_only=True,
                                   data_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    column_2022 = rows[0].index(2022)
    nepal = next(row for row in rows if row[0] == "Nepal")
    assert records["NPL"]["values"]["2022"] == nepal[column_2022] > 9000
    assert records["NPL"]["unit"] == "USD millions"


def test_knomad_outflows_read_past_the_empty_first_row_and_keep_the_gdp_column():
    records = parsed(FLOWS / "knomad_remittance_outflows_2000_2022_jun2023.xlsx")
    series = {r["series"] for r in records}
    assert series == {"knomad_outflows_usd_m", "knomad_outflows_pct_gdp"}
    usa = next(r for r in records if r["iso3"] == "USA" and r["series"] == "knomad_outflows_usd_m")
    assert usa["values"]["2022"] > 70_000  # USD millions
    assert all(list(r["values"]) == ["2022"] for r in records if r["series"] == "knomad_outflows_pct_gdp")


@pytest.mark.parametrize("path", sorted(glob.glob(str(WDI / "*.csv"))), ids=lambda p: p.split("/")[-1][:20])
def test_wdi_series_keep_their_units_straight(path):
    records = {r["iso3"]: r for r in parsed(path)}
    assert len(records) == 217  # the 49 aggregates (WLD, LDC, SSF, ...) are not economies
    with open(path, encoding="utf-8-sig", newline="") as f:
        raw = {row["Country Code"]: row for row in csv.DictReader(f)}
    for iso3 in ("NPL", "MEX", "PHL"):
        record = records[iso3]
        for year, value in record["values"].items():
            published = float(raw[iso3][year])
            expected = published / 1e6 if record["unit"] == "USD millions" else published
            assert value == pytest.approx(expected)


def test_databank_averages_skip_the_footer_and_read_every_value():
    with open(DATABANK, "rb") as f:
        rows = list(parse_corridor_averages(f))
    assert [r for r in rows if r.errors] == []
    with open(DATABANK, encoding="utf-8-sig", newline="") as f:
        values = sum(1 for row in csv.DictReader(f) if row["Sending Countries Code"]
                     for k, v in row.items() if k and "[YR" in k and v not in ("..", ""))
    assert len(rows) == values == 10_417
    first = next(r.record for r in rows if r.record["period"] == "2011Q1")
    assert set(first) == {"period", "source", "destination", "average_total_cost_pct"}
