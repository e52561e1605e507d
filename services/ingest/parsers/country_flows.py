"""``country-flows``: annual remittance series per economy.

- KNOMAD/World Bank inflow and outflow workbooks (June 2023): names only,
  USD millions; the outflow sheet starts with an empty row and ends with a
  '% of GDP in 2022' column; aggregates and notes under the table.
- WDI indicator CSVs (Country Name, Country Code, Indicator Name, Indicator
  Code, 1960 ... 2022): USD, converted here to USD millions so every flow
  series is in the same unit; percentages stay percentages.
"""
import re

from observatory.countries import countries
from services.ingest.exceptions import UnreadableFile
from services.ingest.parsers.tabular import (
    NonFinite,
    ParsedRow,
    blank,
    csv_rows,
    is_missing,
    open_workbook,
    sheet_rows,
    sniff,
    to_number,
)

KNOMAD = "KNOMAD/World Bank (June 2023)"
WDI_SERIES = {  # indicator code -> (series, label, unit, divide by)
    "BX.TRF.PWKR.CD.DT": ("wdi_inflows_usd_m", "Personal remittances, received", "USD millions", 1e6),
    "BM.TRF.PWKR.CD.DT": ("wdi_outflows_usd_m", "Personal remittances, paid", "USD millions", 1e6),
    "BX.TRF.PWKR.DT.GD.ZS": ("wdi_inflows_pct_gdp", "Personal remittances, received (% of GDP)", "% of GDP", 1),
    "SI.RMT.COST.IB.ZS": ("wdi_cost_to_receive_pct", "Average cost of sending remittances to the country", "%", 1),
    "SI.RMT.COST.OB.ZS": ("wdi_cost_to_send_pct", "Average cost of sending remittances from the country", "%", 1),
}
YEAR = re.compile(r"^(19|20)\d{2}$")


def _year(cell):
    text = str(cell).strip()
    if isinstance(cell, float) and cell.is_integer():
        text = str(int(cell))
    return int(text) if YEAR.match(text) else None


def _knomad_series(title):
    title = str(title or "").lower()
    if "inflows" in title:
        return "knomad_inflows_usd_m", "Remittance inflows"
    if "outflows" in title:
        return "knomad_outflows_usd_m", "Remittance outflows"
    return None


def _row_for(number, name, iso3, series, label, unit, source, values, note=None):
    record = {"iso3": iso3, "series": series, "label": label, "unit": unit, "source": source, "values": values}
    if note:
        record["note"] = note
    return ParsedRow(number, record)


def _values(cells, years, divide=1, field_names=None):
    values, errors = {}, []
    for index, year in years.items():
        cell = cells[index] if index < len(cells) else None
        try:
            number = to_number(cell)
        except ValueError as exc:  # "not a number", or "not a finite number: inf"
            message = str(exc) if isinstance(exc, NonFinite) else "not a number"
            errors.append(((field_names or {}).get(index, str(year)), message))
            continue
        if number is not None:
            values[str(year)] = number / divide
    return values, errors


def _parse_knomad(rows):
    table = countries()
    header = None
    for _ in range(5):
        number, cells = next(rows, (None, None))
        if cells is not None and _knomad_series(cells[0]):
            header = cells
            break
    if header is None:
        raise UnreadableFile("no KNOMAD header like 'Remittance inflows (US$ million)', 2000, 2001, ...")
    series, label = _knomad_series(header[0])
    years = {i: _year(c) for i, c in enumerate(header) if i and _year(c)}
    gdp_col = next((i for i, c in enumerate(header) if "% of gdp" in str(c or "").lower()), None)
    for number, cells in rows:
        if blank(cells):
            continue
        name = str(cells[0]).strip()
        values, bad = _values(cells, years)
        iso3 = table.resolve(name)
        if iso3 is None:
            if table.is_aggregate(name) or not values and not bad:
                continue  # World / income-group rows, and the notes under the table
            yield ParsedRow(number, None, [{"row": number, "field": header[0], "message": f"unknown economy {name!r}"}])
            continue
        if bad:
            yield ParsedRow(number, None, [{"row": number, "field": f, "message": m} for f, m in bad])
            continue
        yield _row_for(number, name, iso3, series, label, "USD millions", KNOMAD, values,
                       note="0 in early years can mean 'not available'")
        if gdp_col is not None and not is_missing(cells[gdp_col]):
            gdp_year = re.search(r"(19|20)\d{2}", str(header[gdp_col]))
            share, bad = _values(cells, {gdp_col: gdp_year.group(0) if gdp_year else "latest"},
                                 field_names={gdp_col: str(header[gdp_col])})
            if bad:
                yield ParsedRow(number, None, [{"row": number, "field": f, "message": m} for f, m in bad])
                continue
            yield _row_for(number, name, iso3, series.replace("_usd_m", "_pct_gdp"), f"{label} (% of GDP)",
                           "% of GDP", KNOMAD, share)


def _parse_wdi(rows):
    table = countries()
    number, header = next(rows, (None, None))
    folded = [str(c).strip().lower() for c in header or []]
    if "country code" not in folded or "indicator code" not in folded:
        raise UnreadableFile("no WDI header: expected Country Name, Country Code, Indicator Name, Indicator Code, years")
    code_col, name_col, indicator_col = (folded.index(n) for n in ("country code", "country name", "indicator code"))
    years = {i: _year(c) for i, c in enumerate(header) if _year(c)}
    needed = max(code_col, name_col, indicator_col) + 1
    for number, cells in rows:
        if blank(cells):
            continue
        if len(cells) < needed:
            yield ParsedRow(number, None, [{"row": number, "field": None, "message":
                                            f"the line has {len(cells)} cells; the header has {len(header)}"}])
            continue
        cells = cells + [None] * (len(header) - len(cells))
        indicator = str(cells[indicator_col]).strip()
        if indicator not in WDI_SERIES:
            yield ParsedRow(number, None, [{"row": number, "field": header[indicator_col],
                                            "message": f"indicator {indicator!r} is not one the observatory reads"}])
            continue
        series, label, unit, divide = WDI_SERIES[indicator]
        code = str(cells[code_col]).strip()
        iso3 = table.resolve(code) or table.resolve(cells[name_col])
        if iso3 is None:
            if table.is_aggregate(code) or table.is_aggregate(cells[name_col]):
                continue  # WLD, LDC, SSF, ... are groups, not economies
            yield ParsedRow(number, None, [{"row": number, "field": header[code_col],
                                            "message": f"unknown economy {code!r} ({cells[name_col]!r})"}])
            continue
        values, bad = _values(cells, years, divide)
        if bad:
            yield ParsedRow(number, None, [{"row": number, "field": f, "message": m} for f, m in bad])
            continue
        yield _row_for(number, cells[name_col], iso3, series, label, unit, f"World Development Indicators {indicator}",
                       values)


def parse_country_flows(fileobj, **options):
    kind = sniff(fileobj)
    if kind == "xls":
        raise UnreadableFile("legacy .xls workbooks are not read: use the WDI CSV or an .xlsx")
    if kind == "csv":
        yield from _parse_wdi(csv_rows(fileobj, delimiter=","))
    else:
        yield from _parse_knomad(sheet_rows(open_workbook(fileobj).worksheets[0]))
