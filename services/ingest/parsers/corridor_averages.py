"""``rpw-corridor-averages``: the World Bank DataBank wide CSV of official
corridor averages (series ATCR.CORR): UTF-8 BOM, double spaces in two header
names, ``..`` for missing, and footer lines under the table."""
import re

from marshmallow import ValidationError

from services.ingest.exceptions import UnreadableFile
from services.ingest.parsers.tabular import ParsedRow, blank, csv_rows, is_missing, reject_unterminated_last_row, sniff
from services.ingest.schemas import CorridorAverageRowSchema, normalise_period

FOOTER = re.compile(r"^(data from database|last updated)", re.I)


def _fold(cell):
    return " ".join(str(cell).split()).lower()


def parse_corridor_averages(fileobj, **options):
    yield from reject_unterminated_last_row(_parse(fileobj), fileobj)


def _parse(fileobj):
    if sniff(fileobj) != "csv":
        raise UnreadableFile("rpw-corridor-averages expects the DataBank CSV export")
    rows = csv_rows(fileobj, delimiter=",")
    try:
        _, header = next(rows)
    except StopIteration:
        raise UnreadableFile("the file is empty") from None
    folded = [_fold(c) for c in header]
    try:
        source_col = folded.index("sending countries code")
        destination_col = folded.index("receiving countries code")
    except ValueError:
        raise UnreadableFile("not a DataBank corridor export: no 'Sending Countries Code' / "
                             "'Receiving Countries Code' columns") from None
    periods = {i: normalise_period(c.split("[")[0]) for i, c in enumerate(header)}
    periods = {i: p for i, p in periods.items() if p}
    if not periods:
        raise UnreadableFile("no period columns like '2011Q1 [YR2011Q1]' in the header")
    schema = CorridorAverageRowSchema()
    for number, cells in rows:
        if blank(cells) or FOOTER.match(str(cells[0]).strip()):
            continue
        cells = cells + [None] * (len(header) - len(cells))
        for index, period in periods.items():
            if is_missing(cells[index]):
                continue
            raw = {"period": period, "source": cells[source_col], "destination": cells[destination_col],
                   "average_total_cost_pct": cells[index]}
            try:
                yield ParsedRow(number, schema.load(raw))
            except ValidationError as exc:
                field_names = {"average_total_cost_pct": header[index], "source": header[source_col],
                               "destination": header[destination_col]}
                yield ParsedRow(number, None, [{"row": number, "field": field_names.get(f, f),
                                                "message": "; ".join(m)} for f, m in exc.messages.items()])
