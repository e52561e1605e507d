"""The observatory's spreadsheet template for national submissions: made
from the NATIONAL_REMITTANCES structure (a ``data`` sheet whose header row is
ACTION, the dimensions, TIME_PERIOD, OBS_VALUE and the attributes; one sheet
per codelist with its codes, which the data columns' drop-downs list), and
read back into ``Record``s (openpyxl, read-only, the archive's unpacked size
checked before it is opened)."""
import io
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from observatory.sdmx.codelists import codelists
from observatory.sdmx.model import PRIMARY_MEASURE, TIME_DIMENSION
from observatory.sdmx.structures import DATA_STRUCTURES
from services.ingest.exceptions import LimitExceeded, UnreadableFile
from services.ingest.parsers.sdmx_records import DSD_ID, FLOW_REF, Record, action_of, count_checked, header_id

DATA_SHEET = "data"
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_columns():
    dsd = DATA_STRUCTURES[DSD_ID]
    return ["ACTION", *dsd.dimension_ids, TIME_DIMENSION, PRIMARY_MEASURE, *dsd.attribute_ids]


def template_bytes():
    """The template workbook (bytes), generated from the structure each time it is asked for."""
    dsd = DATA_STRUCTURES[DSD_ID]
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    columns = template_columns()
    sheet.append(columns)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column) + 2)
    about = book.create_sheet("about")
    about.append(["dataflow", FLOW_REF])
    about.append(["one row per observation; REF_AREA is your institution's country; TIME_PERIOD as 2024 (A), "
                  "2024-Q1 (Q) or 2024-03 (M); ACTION I (insert), R (replace) or D (delete), empty = I"])
    mandatory = [c.id for c in dsd.attributes if c.mandatory]
    about.append(["mandatory attributes", ", ".join(mandatory)])
    for index, column in enumerate(columns, start=1):
        component = dsd.component(column)
        if component is None or not component.codelist:
            continue
        codelist = codelists()[component.codelist]
        if codelist.id not in book.sheetnames:
            codes = book.create_sheet(codelist.id)
            codes.append(["code", "name"])
            for code in codelist.codes:
                codes.append([code.id, code.name])
        rule = DataValidation(type="list", formula1=f"='{codelist.id}'!$A$2:$A${len(codelist.codes) + 1}",
                              allow_blank=True)
        letter = get_column_letter(index)
        rule.add(f"{letter}2:{letter}5000")
        sheet.add_data_validation(rule)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _checked_archive(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableFile("not an xlsx workbook (not a zip archive)") from None
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise LimitExceeded(f"the workbook unpacks to more than {MAX_UNPACKED_BYTES:,} bytes",
                            {"limit": "max_unpacked_bytes", "allowed": MAX_UNPACKED_BYTES, "found": unpacked})


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def parse_sdmx_xlsx(data):
    """The records of a filled-in template (the ``data`` sheet; its first row is the header)."""
    _checked_archive(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise UnreadableFile(f"the workbook cannot be read: {type(exc).__name__}") from None
    try:
        if DATA_SHEET not in book.sheetnames:
            raise UnreadableFile(f"the workbook has no sheet {DATA_SHEET!r} (download the template)",
                                 {"sheets": book.sheetnames[:20]})
        rows = book[DATA_SHEET].iter_rows(values_only=True)
        header = [header_id(c) for c in next(rows, ())]
        while header and not header[-1]:
            header.pop()
        if TIME_DIMENSION not in header or PRIMARY_MEASURE not in header:
            raise UnreadableFile("the data sheet's first row must be the template's header", {"row": 1})
        records = []
        for number, values in enumerate(rows, start=2):
            cells = {column: _cell_text(v) for column, v in zip(header, values) if column}
            if not any(cells.values()):
                continue
            action = action_of(cells.pop("ACTION", ""), number)
            records.append(Record(number, cells, action))
            count_checked(len(records))
        return records
    finally:
        book.close()
