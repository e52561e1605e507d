"""``rpw-quotes``: RPW provider-level price quotes, CSV or XLSX, in every
header variant the World Bank has published:

- R-mangled names (``cc1.total.cost..``, ``speed.actual``, ``pick.up.method``);
- the original names (``cc1 total cost %``, ``speed actual``, ``pick-up method``);
- the 42-column layout published since 2016 (``source_code``, ``source_name``,
  ..., ``payment instrument``, ``access point``, ``pickup method``, ``corridor``),
  including the workbook with one sheet per layout and stray unlabeled columns.
"""
import re

from marshmallow import ValidationError

from services.ingest.exceptions import UnreadableFile
from services.ingest.parsers.tabular import (
    ParsedRow,
    blank,
    csv_rows,
    open_workbook,
    reject_unterminated_last_row,
    sheet_rows,
    sniff,
)
from services.ingest.schemas import QuoteRowSchema

REQUIRED = {"period", "source", "destination", "firm", "cc1_total_cost"}
HEADER_SCAN_ROWS = 20
_PRICE_FIELDS = ("lcu amount", "denomination amount", "lcu code", "lcu fee", "lcu fx rate", "fx margin", "total cost")

# Folded header (see header_key) → canonical field.
COLUMNS = {
    "id": "source_id", "period": "period",
    "source": "source", "source code": "source", "destination": "destination", "destination code": "destination",
    "firm": "firm", "firm type": "firm_type", "product": "product",
    "payment instrument": "payment_instrument", "access point": "access_point",
    "sending location": "sending_location", "speed actual": "speed", "speed": "speed",
    "inter lcu bank fx": "interbank_fx", "transparent": "transparent",
    "note1": "note1", "standard note": "note1", "note2": "note2",
    "coverage": "coverage", "receiving network coverage": "coverage",
    "pick up method": "pickup_method", "pickup method": "pickup_method", "pickup location": "pickup_location",
    "date": "date",
    **{f"{cc} {name}": f"{cc}_{name.replace(' ', '_')}" for cc in ("cc1", "cc2") for name in _PRICE_FIELDS},
}
SPEED_OVER_5_DAYS = "6 days or more"


def header_key(cell):
    """'cc1.total.cost..', 'cc1 total cost %', 'CC1 TOTAL COST %' → 'cc1 total cost'."""
    return re.sub(r"[\s._%\-]+", " ", str(cell or "").lower()).strip()


def _columns(cells):
    canonical = [COLUMNS.get(header_key(c)) for c in cells]
    return canonical if REQUIRED <= set(canonical) else None


def _find_header(rows):
    for _ in range(HEADER_SCAN_ROWS):
        try:
            _, cells = next(rows)
        except StopIteration:
            return None
        columns = _columns(cells)
        if columns:
            return columns, cells
    return None


def _derive(record):
    amount, fee = record.get("cc1_lcu_amount"), record.get("cc1_lcu_fee")
    record["cc1_fee_pct"] = fee / amount * 100 if amount and fee is not None else None
    record["within_5_days"] = record.get("speed") != SPEED_OVER_5_DAYS
    return record


def _parse_table(rows, columns, header_cells, sheet=None, whole_lines=False):
    """``whole_lines`` (CSV): a line with fewer cells than the header is a
    line cut short, rejected rather than read with its last fields missing."""
    schema = QuoteRowSchema()
    label = {name: str(cell) for name, cell in zip(columns, header_cells) if name}
    width = len(columns)
    for number, cells in rows:
        if blank(cells):
            continue
        if whole_lines and len(cells) < width:
            yield ParsedRow(number, None, [{"row": number, "field": None, "message":
                                            f"the line has {len(cells)} of the header's {width} cells (cut short?)"}])
            continue
        raw = {}
        for name, cell in zip(columns, cells[:width]):
            if name and name not in raw:  # first column wins when a layout repeats one
                raw[name] = cell
        try:
            yield ParsedRow(number, _derive(schema.load(raw)), sheet=sheet)
        except ValidationError as exc:
            yield ParsedRow(number, None, [
                {"row": number, "field": label.get(field, field), "message": "; ".join(map(str, messages))}
                for field, messages in exc.messages.items()], sheet=sheet)


def parse_rpw_quotes(fileobj, **options):
    kind = sniff(fileobj)
    if kind == "xls":
        raise UnreadableFile("legacy .xls workbooks are not read; save it as .xlsx or CSV")
    if kind == "csv":
        rows = csv_rows(fileobj)
        found = _find_header(rows)
        if not found:
            raise UnreadableFile(f"no RPW quote header found: need the columns {sorted(REQUIRED)} "
                                 "(any published spelling) within the first 20 lines")
        yield from reject_unterminated_last_row(_parse_table(rows, *found, whole_lines=True), fileobj)
        return
    workbook = open_workbook(fileobj)
    sheets_read = 0
    for sheet in workbook.worksheets:
        rows = sheet_rows(sheet)
        found = _find_header(rows)
        if found:  # data sheets only; 'Terms of Use', 'Legend', ... are skipped
            sheets_read += 1
            yield from _parse_table(rows, *found, sheet=sheet.title)
    workbook.close()
    if not sheets_read:
        raise UnreadableFile(f"no sheet has RPW quote columns {sorted(REQUIRED)}")

