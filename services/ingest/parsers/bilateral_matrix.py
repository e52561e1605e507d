"""``bilateral-matrix``: KNOMAD/World Bank bilateral remittance matrices, every
xlsx vintage (title row; header 'Remittance-receiving country (across) -
Remittance-sending country (down)'; total row and column named Total / World /
WORLD; text markers N/A*, 0*, -; notes under the table) and the trimmed 2018
CSV (no title, no totals). Rows are senders, columns receivers, USD millions.

One record per sending country: its flows by receiving country and the file's
own row total. The residual rows (Other North, Other South, Unidentified) are
not countries: their totals go to the dataset summary.
"""
import re

from observatory.countries import countries, name_key
from services.ingest.exceptions import UnreadableFile
from services.ingest.parsers.tabular import (NonFinite, ParsedRow, blank, csv_rows, is_missing, open_workbook, sheet_rows,
                                             sniff, to_number)

TOTALS = {"total", "total remittances", "world"}
RESIDUALS = {"other north", "other south", "unidentified"}
MARKERS = {"n/a*", "n/a", "0*", "-", ""}  # no estimate (India/Pakistan, Israel/Lebanon, ...)
YEAR_IN_TITLE = re.compile(r"(?:estimates? for|matrix|remittances)\s*([0-9]{4})", re.I)
HEADER_SCAN_ROWS = 10


def _is_header(cells):
    first = str(cells[0] or "").lower()
    return "receiving" in first or (not first.strip() and sum(1 for c in cells[1:6] if c) >= 3)


def _value(cell):
    if is_missing(cell) or str(cell).strip().lower() in MARKERS:
        return None
    try:
        return to_number(cell)
    except NonFinite:
        raise
    except ValueError:
        raise ValueError(f"not a number: {cell!r}") from None


def _total(cells, total_col, row_number, header):
    """The row's published total (None without a total column), and its error."""
    if total_col is None or total_col >= len(cells):
        return None, []
    try:
        return _value(cells[total_col]), []
    except ValueError as exc:
        return None, [{"row": row_number, "field": str(header[total_col]), "message": str(exc)}]


def _columns(header, row_number):
    """{column index: ISO3}, the total column, and errors for unknown names."""
    table, columns, total_col, errors = countries(), {}, None, []
    for index, name in enumerate(header[1:], start=1):
        if is_missing(name):
            continue
        key = name_key(name)
        if key in TOTALS:
            total_col = index
            continue
        iso3 = table.resolve(name)
        if iso3 is None:
            errors.append({"row": row_number, "field": str(name), "message": f"unknown receiving country {name!r}"})
        else:
            columns[index] = iso3
    return columns, total_col, errors


def parse_bilateral_matrix(fileobj, year=None, filename=None, **options):
    kind = sniff(fileobj)
    if kind == "xls":
        raise UnreadableFile("legacy .xls workbooks are not read; save it as .xlsx or CSV")
    rows = csv_rows(fileobj, delimiter=",") if kind == "csv" else sheet_rows(open_workbook(fileobj).worksheets[0])
    title, header, header_row = None, None, None
    for _ in range(HEADER_SCAN_ROWS):
        number, cells = next(rows, (None, None))
        if cells is None:
            break
        if _is_header(cells):
            header, header_row = cells, number
            break
        title = title or next((str(c) for c in cells if not is_missing(c)), None)
    if header is None:
        raise UnreadableFile("no matrix header: expected 'Remittance-receiving country (across) - ...' "
                             "or an empty first cell followed by receiving countries")
    match = YEAR_IN_TITLE.search(title or "")
    year = year or (int(match.group(1)) if match else None)
    if year is None and filename:
        found = re.search(r"(19|20)\d{2}", filename)
        year = int(found.group(0)) if found else None
    if year is None:
        raise UnreadableFile("the year is neither in the title nor given: upload with ?year=")
    columns, total_col, header_errors = _columns(header, header_row)
    if header_errors:
        yield ParsedRow(header_row, None, header_errors)
    table = countries()
    for number, cells in rows:
        if blank(cells):
            continue
        label = str(cells[0] or "").strip()
        key = name_key(label)
        if key in TOTALS:
            return  # the notes under the table follow
        if key in RESIDUALS:
            total, errors = _total(cells, total_col, number, header)
            yield ParsedRow(number, {"year": year, "residual": label, "vintage": title, "published_total": total}
                            if not errors else None, errors)
            continue
        source = table.resolve(label)
        if source is None:
            yield ParsedRow(number, None, [{"row": number, "field": header[0] or "sending country",
                                            "message": f"unknown sending country {label!r}"}])
            continue
        flows, errors = {}, []
        for index, destination in columns.items():
            try:
                value = _value(cells[index] if index < len(cells) else None)
            except ValueError as exc:
                errors.append({"row": number, "field": str(header[index]), "message": str(exc)})
                continue
            if value:
                flows[destination] = value
        total, total_errors = _total(cells, total_col, number, header)
        if errors or total_errors:
            yield ParsedRow(number, None, errors + total_errors)
            continue
        yield ParsedRow(number, {"year": year, "source": source, "flows": flows, "published_total": total,
                                 "vintage": title})
