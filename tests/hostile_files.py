"""Hostile variants of the real files in ../shared/data, for the malformed-input
corpus: cut, corrupted, re-encoded, inflated. Nothing here is invented data;
every file starts from a real one."""
import csv
import io
import random
import re
import struct
import zipfile

from tests.ingest_files import DATABANK, DERIVED, FLOWS, RPW_QUOTES, WDI_INFLOWS, real_rows, workbook_bytes



def real_workbook(rows=300):
    header, data = real_rows(rows)
    return workbook_bytes([("Dataset", [header, *data])])


def cut_in_half_mid_row():
    data = RPW_QUOTES.read_bytes()
    cut = len(data) // 2
    while data[cut - 1:cut] in (b"\n", b","):  # make sure the cut lands inside a cell
        cut += 1
    return data[:cut]


def with_one_corrupted_row(period="2014_1Q", source="ARE", destination="NPL", firm="Al Ansari"):
    """The whole real file with one provider's total cost made unreadable.
    Returns (bytes, (firm, product)) of the quote that was damaged."""
    text = RPW_QUOTES.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    column = {name: header.index(name) for name in ("period", "source", "destination", "firm", "product",
                                                    "cc1.total.cost..")}
    hit = next(r for r in rows[1:] if (r[column["period"]], r[column["source"]], r[column["destination"]],
                                       r[column["firm"]]) == (period, source, destination, firm))
    hit[column["cc1.total.cost.."]] = "5,x"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8"), (hit[column["firm"]], hit[column["product"]])


def utf16():
    return RPW_QUOTES.read_bytes().decode("utf-8").encode("utf-16")


def latin1():
    return RPW_QUOTES.read_bytes().decode("utf-8").encode("latin-1", errors="replace")


def binary_garbage(size=50_000):
    return random.Random(6).randbytes(size)


def million_column_line():
    header = RPW_QUOTES.read_bytes().split(b"\n", 1)[0]
    return header + b"\n" + b"1," * 1_000_000 + b"\n"


def wdi_with_a_two_cell_last_line():
    lines = WDI_INFLOWS.read_bytes().rstrip(b"\n").split(b"\n")
    return b"\n".join(lines + [b'"Zimbabwe","ZWE"']) + b"\n"


def _rewrite(workbook, replace):
    """A copy of ``workbook`` with member contents replaced (``replace(name, data) -> data``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace(info.filename, source.read(info.filename)))
    return out.getvalue()


def _first_sheet(name):
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def declared_dimension_bomb():
    """One real row, but the sheet declares the whole grid (A1:XFD1048576)."""
    def replace(name, data):
        if _first_sheet(name):
            data = re.sub(rb"<dimension ref=\"[^\"]+\"", b'<dimension ref="A1:XFD1048576"', data)
            if b"<dimension" not in data:
                data = data.replace(b"<sheetData", b'<dimension ref="A1:XFD1048576"/><sheetData', 1)
        return data
    return _rewrite(real_workbook(2), replace)


def shared_strings_bomb(megabytes=40):
    """A real workbook whose string table unpacks to ``megabytes`` MB."""
    filler = b"<si><t>" + b"remittance " * 900 + b"</t></si>"

    def replace(name, data):
        if name == "xl/sharedStrings.xml" or name.endswith("/sharedStrings.xml"):
            count = megabytes * 1024 * 1024 // len(filler)
            return data.replace(b"</sst>", filler * count + b"</sst>")
        return data
    workbook = real_workbook(50)
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        if not any(n.endswith("sharedStrings.xml") for n in archive.namelist()):
            workbook = _with_shared_strings(workbook)
    return _rewrite(workbook, replace)


def _with_shared_strings(workbook):
    out = io.BytesIO(workbook)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                                                  b'spreadsheetml/2006/main"></sst>')
    return out.getvalue()


def zip_bomb(megabytes=100):
    """A real workbook carrying a part that unpacks to ``megabytes`` MB of zeros."""
    out = io.BytesIO(real_workbook(50))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/media/padding.bin", "w", force_zip64=True) as part:
            block = bytes(1024 * 1024)
            for _ in range(megabytes):
                part.write(block)
    return out.getvalue()


def truncated_workbook():
    workbook = real_workbook(1000)
    return workbook[: len(workbook) * 2 // 3]


def corrupt_deflate_stream():
    """Sixteen bytes flipped in the middle of the compressed sheet."""
    workbook = bytearray(real_workbook(1000))
    with zipfile.ZipFile(io.BytesIO(bytes(workbook))) as archive:
        info = next(i for i in archive.infolist() if _first_sheet(i.filename))
    name_length, extra_length = struct.unpack("<HH", workbook[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length + info.compress_size // 2
    for offset in range(start, start + 16):
        workbook[offset] ^= 0xA5
    return bytes(workbook)


def broken_sheet_xml():
    """The sheet's XML cut in the middle of a tag (the archive itself is sound)."""
    def replace(name, data):
        return data[: len(data) // 2] + b"<row r=" if _first_sheet(name) else data
    return _rewrite(real_workbook(300), replace)


# -- numeric cases: one real cell changed (plausibility before publication) --------

def quotes_with_one_total_cost(value, period="2014_1Q", source="ARE", destination="NPL"):
    """The whole real quotes file with the first quote of that corridor-period
    costing ``value`` (cc1 total cost). Returns (bytes, its line number, its original cell)."""
    text = RPW_QUOTES.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    column = {name: header.index(name) for name in ("period", "source", "destination", "cc1.total.cost..")}
    line = next(i for i, r in enumerate(rows) if (r[column["period"]], r[column["source"]],
                                                  r[column["destination"]]) == (period, source, destination))
    original = rows[line][column["cc1.total.cost.."]]
    rows[line][column["cc1.total.cost.."]] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8"), line + 1, original


def quotes_with_one_row_twice(period="2014_1Q", source="ARE", destination="NPL"):
    """The whole real quotes file with one quote line repeated right after itself."""
    lines = RPW_QUOTES.read_bytes().split(b"\n")
    key = f",{period},{source},{destination},".encode()
    index = next(i for i, line in enumerate(lines) if key in line)
    return b"\n".join(lines[:index + 1] + [lines[index]] + lines[index + 1:]), index + 2


def _csv_with_cell(path, match, value, encoding="utf-8-sig"):
    """The real CSV at ``path`` with the last numeric cell of the first row
    ``match(cells)`` accepts set to ``value``. Returns (bytes, line number, header of that column)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding=encoding))))
    line = next(i for i, r in enumerate(rows) if i and match(r))
    column = next(i for i in range(len(rows[line]) - 1, 0, -1) if re.fullmatch(r"-?[0-9.]+", rows[line][i]))
    rows[line][column] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8"), line + 1, rows[0][column]


def databank_with_one_cell(value, source="ARE", destination="NPL"):
    return _csv_with_cell(DATABANK, lambda r: r[1:2] == [source] and r[5:6] == [destination], value)


def derived_with_one_cell(value, corridor="ARENPL"):
    """The derived means file with one corridor-quarter's 200-USD mean set to ``value``."""
    rows = list(csv.reader(io.StringIO(DERIVED.read_text(encoding="utf-8-sig"))))
    column, key = rows[0].index("avg_cost_pct_200usd"), rows[0].index("corridor")
    line = next(i for i, r in enumerate(rows) if i and r[key] == corridor)
    rows[line][column] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8"), line + 1, "avg_cost_pct_200usd"


def wdi_with_one_cell(value, iso3="NPL"):
    return _csv_with_cell(WDI_INFLOWS, lambda r: r[1:2] == [iso3], value)


def matrix_csv_with_one_cell(value, sender="United Arab Emirates", receiver="Nepal"):
    """The real 2018 matrix CSV with the cell sender → receiver set to ``value``."""
    path = FLOWS / "bilateral_remittance_matrix_2018_countries_only.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    line = next(i for i, r in enumerate(rows) if r[0] == sender)
    rows[line][rows[0].index(receiver)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8"), line + 1, receiver


def matrix_xlsx_with_one_cell(value, year=2012, sender="United Arab Emirates", receiver="Nepal"):
    """The real ``year`` matrix workbook with the cell sender → receiver set to ``value`` (a number)."""
    import openpyxl

    book = openpyxl.load_workbook(FLOWS / f"bilateral_remittance_matrix_{year}.xlsx")
    sheet = book.worksheets[0]
    header = next(r for r in sheet.iter_rows(max_row=10) if "receiving" in str(r[0].value or "").lower())
    column = next(c.column for c in header if str(c.value or "").strip() == receiver)
    row = next(c.row for c in sheet["A"] if str(c.value or "").strip() == sender)
    sheet.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), row, receiver
