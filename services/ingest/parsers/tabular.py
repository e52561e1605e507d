"""Stream rows out of CSV or XLSX files, whatever their encoding or sheet layout."""
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl

from services.ingest.exceptions import UnreadableFile

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
MISSING = {"", "..", "n/a", "na", "not available", "nan", "none", "null", "-"}


@dataclass
class ParsedRow:
    row: int  # 1-based line / spreadsheet row number, as a person would count
    record: dict | None = None
    errors: list = field(default_factory=list)  # [{"row", "field", "message"}]
    sheet: str | None = None


def sniff(fileobj):
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "xls"
    return "csv"


def detect_encoding(fileobj):
    """UTF-8 (with or without BOM), else Windows-1252: the two encodings the
    World Bank files come in. Decided on the first megabyte."""
    head = fileobj.read(1 << 20)
    fileobj.seek(0)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the edge
            return "cp1252"
    return "utf-8-sig"


def csv_rows(fileobj, delimiter=None):
    """Yield ``(row_number, [cells])`` from a CSV byte stream."""
    text = io.TextIOWrapper(fileobj, encoding=detect_encoding(fileobj), newline="")
    try:
        sample = text.read(1 << 14)
        text.seek(0)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"the file is neither UTF-8 nor Windows-1252 text: {exc}") from None
    if "\x00" in sample:
        raise UnreadableFile("the file is binary, not CSV or XLSX")
    if delimiter is None:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except (csv.Error, UnicodeDecodeError) as exc:
        raise UnreadableFile(f"the CSV cannot be read past line {reader.line_num}: {exc}") from None


def open_workbook(fileobj):
    try:
        return openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(f"the XLSX file cannot be opened (truncated or corrupt?): {exc}") from None


def sheet_rows(sheet):
    """Yield ``(row_number, [cells])`` from a read-only worksheet."""
    try:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError) as exc:
        raise UnreadableFile(f"sheet {sheet.title!r} cannot be read (truncated or corrupt?): {exc}") from None


def is_missing(value):
    return value is None or (isinstance(value, str) and value.strip().lower() in MISSING)


def blank(cells):
    return all(is_missing(c) for c in cells)


_NUMBER_JUNK = re.compile(r"[,\s%\u00a0]")


def to_number(value):
    """A float from a number or a text-typed number ('1,234.5', '2.5 %');
    None for the missing markers; raises ValueError otherwise."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    return float(_NUMBER_JUNK.sub("", str(value)))
