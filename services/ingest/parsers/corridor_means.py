"""``rpw-corridor-means``: corridor-quarter means derived by a third party
from RPW provider rows, one row per (period, corridor): ``period`` (RPW's
``2016_2Q``), ``source_code``, ``destination_code`` (or ``source`` /
``destination``), ``avg_cost_pct_200usd`` and optionally
``avg_cost_pct_500usd``, ``avg_fx_margin_200usd``, ``num_providers`` (a count
of quote rows). Published as the *derived* series, never as the official one."""
from marshmallow import ValidationError

from services.ingest.exceptions import UnreadableFile
from services.ingest.parsers.tabular import ParsedRow, blank, csv_rows, reject_unterminated_last_row, sniff
from services.ingest.schemas import CorridorMeanRowSchema

COLUMNS = {
    "period": "period", "source_code": "source", "source": "source", "destination_code": "destination",
    "destination": "destination", "avg_cost_pct_200usd": "average_total_cost_pct",
    "avg_cost_pct_500usd": "average_total_cost_pct_500", "avg_fx_margin_200usd": "average_fx_margin_pct",
    "num_providers": "quote_rows",
}
REQUIRED = {"period", "source", "destination", "average_total_cost_pct"}


def parse_corridor_means(fileobj, **options):
    yield from reject_unterminated_last_row(_parse(fileobj), fileobj)


def _parse(fileobj):
    if sniff(fileobj) != "csv":
        raise UnreadableFile("rpw-corridor-means expects a CSV file")
    rows = csv_rows(fileobj, delimiter=",")
    _, header = next(rows, (None, None))
    columns = [COLUMNS.get(str(cell).strip().lower()) for cell in header or []]
    if not REQUIRED <= set(columns):
        raise UnreadableFile("not a corridor-means file: need the columns period, source_code, destination_code "
                             "and avg_cost_pct_200usd")
    label = {name: str(cell) for name, cell in zip(columns, header) if name}
    schema = CorridorMeanRowSchema()
    for number, cells in rows:
        if blank(cells):
            continue
        if len(cells) < len(header):
            yield ParsedRow(number, None, [{"row": number, "field": None, "message":
                                            f"the line has {len(cells)} of the header's {len(header)} cells"}])
            continue
        raw = {name: cell for name, cell in zip(columns, cells) if name}
        try:
            yield ParsedRow(number, schema.load(raw))
        except ValidationError as exc:
            yield ParsedRow(number, None, [{"row": number, "field": label.get(f, f), "message": "; ".join(m)}
                                           for f, m in exc.messages.items()])
