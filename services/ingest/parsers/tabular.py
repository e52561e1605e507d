"""Stream rows out of CSV or XLSX files, whatever their encoding or sheet layout."""
import csv
import io
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.cell import range_boundaries

from services.ingest.exceptions import UnreadableFile
from services.ingest.limits import LimitExceeded, in_force, limit_exceeded

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
MISSING = {"", "..", "n/a", "na", "not available", "none", "null", "-"}


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
    """UTF-16 with its byte-order mark, UTF-8 (with or without BOM), else
    Windows-1252: the encodings the World Bank files and spreadsheets saving
    them come in. Decided on the first megabyte."""
    head = fileobj.read(1 << 20)
    fileobj.seek(0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # "Unicode text" as Excel saves it
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the edge
            return "cp1252"
    return "utf-8-sig"


# Breaks str.splitlines knows that csv does not: text within a cell (Text folds
# them into spaces), but a file using them as its only line ends has no lines.
OTHER_LINE_BREAKS = ("\x85", "\x0b", "\x0c", "\u2028", "\u2029")


def csv_rows(fileobj, delimiter=None):
    """Yield ``(row_number, [cells])`` from a CSV byte stream, within the
    limits in force (cell size, columns, rows)."""
    limits = in_force()
    csv.field_size_limit(limits.max_cell_bytes)
    text = io.TextIOWrapper(fileobj, encoding=detect_encoding(fileobj), newline="")
    try:
        sample = text.read(1 << 14)
        text.seek(0)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"the file is neither UTF-8 nor Windows-1252 text: {exc}") from None
    if "\x00" in sample:
        raise UnreadableFile("the file is binary (or UTF-16) text, not UTF-8 or Windows-1252 CSV, nor XLSX")
    if not any(end in sample for end in "\r\n") and any(other in sample for other in OTHER_LINE_BREAKS):
        raise UnreadableFile("the lines end in a Unicode line break that CSV does not use (U+2028, U+2029, "
                             "U+0085, VT or FF): save the file with \\n or \\r\\n line ends")
    if delimiter is None:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(text, delimiter=delimiter)
    rows = 0
    try:
        for cells in reader:
            rows += 1
            if len(cells) > limits.max_columns:
                raise limit_exceeded("max_columns", limits.max_columns, len(cells), f"line {reader.line_num}")
            if rows > limits.max_rows:
                raise limit_exceeded("max_rows", limits.max_rows, what=f"line {reader.line_num}")
            yield reader.line_num, cells
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise limit_exceeded("max_cell_bytes", limits.max_cell_bytes, what=f"line {reader.line_num}") from None
        raise UnreadableFile(f"the CSV cannot be read past line {reader.line_num}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"the CSV cannot be read past line {reader.line_num}: {exc}") from None


def ends_with_newline(fileobj):
    """False when the last byte is not a line end: the file may be cut short."""
    position = fileobj.tell()
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    if size == 0:
        fileobj.seek(position)
        return True
    fileobj.seek(max(0, size - 2))
    last = fileobj.read(2)
    fileobj.seek(position)
    return last.endswith((b"\n", b"\r", b"\n\x00", b"\r\x00"))  # UTF-8/1252, or UTF-16 LE/BE


def reject_unterminated_last_row(parsed_rows, fileobj):
    """A CSV whose last byte is not a line end may have been cut inside its
    last line, which can still parse (a number cut short is a number): that
    row is rejected, never published as read."""
    terminated = ends_with_newline(fileobj)
    previous = None
    for parsed in parsed_rows:
        if previous is not None:
            yield previous
        previous = parsed
    if previous is not None and not terminated:
        previous = ParsedRow(previous.row, None, [{"row": previous.row, "field": None, "message":
                                                   "the file does not end with a line break: its last line "
                                                   "may be cut short"}], sheet=previous.sheet)
    if previous is not None:
        yield previous


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_CORRUPT = (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError, EOFError, ParseError, TypeError,
            IndexError, AttributeError)


def check_workbook(fileobj):
    """Refuse a zip bomb or an absurd declared sheet size before openpyxl
    unpacks anything (openpyxl trusts both)."""
    limits = in_force()
    try:
        with zipfile.ZipFile(fileobj) as archive:
            parts = archive.infolist()
            unpacked = sum(part.file_size for part in parts)
            if unpacked > limits.max_decompressed_bytes:
                raise limit_exceeded("max_decompressed_bytes", limits.max_decompressed_bytes, unpacked,
                                    "the workbook's parts, unpacked")
            for part in parts:
                if part.filename.lower().endswith("sharedstrings.xml") and \
                        part.file_size > limits.max_shared_strings_bytes:
                    raise limit_exceeded("max_shared_strings_bytes", limits.max_shared_strings_bytes,
                                        part.file_size, "the workbook's string table")
                if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                    with archive.open(part) as sheet:
                        _check_dimension(sheet.read(8192), part.filename, limits)
    except LimitExceeded:
        raise
    except _CORRUPT as exc:
        raise UnreadableFile(f"the XLSX file cannot be opened (truncated or corrupt?): {exc}") from None
    finally:
        fileobj.seek(0)


def _check_dimension(head, part, limits):
    match = _DIMENSION.search(head)
    if not match:
        return
    try:
        min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode())
    except ValueError:
        raise UnreadableFile(f"{part} declares an unreadable dimension {match.group(1).decode()!r}") from None
    columns, rows = (max_col or 1) - (min_col or 1) + 1, (max_row or 1) - (min_row or 1) + 1
    what = f"{part} declares {match.group(1).decode()} ({rows:,} rows x {columns:,} columns)"
    if columns > limits.max_columns:
        raise limit_exceeded("max_columns", limits.max_columns, columns, what)
    if rows > limits.max_rows:
        raise limit_exceeded("max_rows", limits.max_rows, rows, what)
    if rows * columns > limits.max_cells:
        raise limit_exceeded("max_cells", limits.max_cells, rows * columns, what)


def open_workbook(fileobj):
    check_workbook(fileobj)
    try:
        return openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except _CORRUPT as exc:
        raise UnreadableFile(f"the XLSX file cannot be opened (truncated or corrupt?): {exc}") from None


def sheet_rows(sheet):
    """Yield ``(row_number, [cells])`` from a read-only worksheet, counting
    the rows, columns and cells it really has against the limits."""
    limits = in_force()
    cells_seen = 0
    try:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if len(cells) > limits.max_columns:
                raise limit_exceeded("max_columns", limits.max_columns, len(cells), f"sheet {sheet.title!r}")
            if number > limits.max_rows:
                raise limit_exceeded("max_rows", limits.max_rows, what=f"sheet {sheet.title!r}")
            cells_seen += len(cells)
            if cells_seen > limits.max_cells:
                raise limit_exceeded("max_cells", limits.max_cells, what=f"sheet {sheet.title!r}")
            yield number, list(cells)
    except _CORRUPT as exc:
        raise UnreadableFile(f"sheet {sheet.title!r} cannot be read (truncated or corrupt?): {exc}") from None


def is_missing(value):
    return value is None or (isinstance(value, str) and value.strip().lower() in MISSING)


def blank(cells):
    return all(is_missing(c) for c in cells)


_NUMBER_JUNK = re.compile(r"[,\s%\u00a0]")


class NonFinite(ValueError):
    """``inf``, ``nan`` or a number too large for a float: never stored."""


def finite(number, value=None):
    """``number`` when it is finite; NonFinite otherwise (``value`` is what the file held)."""
    if not math.isfinite(number):
        raise NonFinite(f"not a finite number: {value if value is not None else number!r:.40}")
    return number


def to_number(value):
    """A finite float from a number or a text-typed number ('1,234.5',
    '2.5 %'); None for the missing markers; raises ValueError otherwise
    (NonFinite for inf, nan and overflow such as 1e999)."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, (int, float)):
        try:
            return finite(float(value), value)
        except OverflowError:  # an int beyond the float range
            raise NonFinite(f"not a finite number: {value!r:.40}") from None
    return finite(float(_NUMBER_JUNK.sub("", str(value))), value)
