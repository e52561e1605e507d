"""SDMX-CSV 1.0 (first column ``DATAFLOW``) and 2.0 (``STRUCTURE``,
``STRUCTURE_ID``, optional ``ACTION``) of the NATIONAL_REMITTANCES dataflow,
read into ``Record``s. Pure: bytes in, records out."""
import csv
import io

from services.ingest.exceptions import UnreadableFile
from services.ingest.parsers.sdmx_records import (
    FLOW_REF,
    Record,
    action_of,
    count_checked,
    flow_matches,
    header_id,
)

MAX_FIELD_CHARS = 1000


def _text(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"the file is not UTF-8 text (byte {exc.start})", {"offset": exc.start}) from None


def parse_sdmx_csv(data, version=None):
    """The records of an SDMX-CSV file; ``version`` '1.0' or '2.0' (None: told by the first header cell)."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(_text(data), newline=""))
    try:
        header = [header_id(cell) for cell in next(reader)]
    except StopIteration:
        raise UnreadableFile("the file is empty") from None
    except csv.Error as exc:
        raise UnreadableFile(f"line 1: {exc}", {"row": 1}) from None
    found = "2.0" if header[:2] == ["STRUCTURE", "STRUCTURE_ID"] else "1.0" if header[:1] == ["DATAFLOW"] else None
    if found is None or (version and version != found):
        wanted = {"1.0": "DATAFLOW", "2.0": "STRUCTURE,STRUCTURE_ID"}.get(version or "", "DATAFLOW or STRUCTURE,STRUCTURE_ID")
        raise UnreadableFile(f"not SDMX-CSV {version or ''}: the header must start with {wanted}".replace("  ", " "),
                             {"row": 1, "header": header[:3]})
    if len(set(header)) != len(header):
        raise UnreadableFile("the header names a column twice", {"row": 1, "header": header})
    records = []
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise UnreadableFile(f"row {line}: {len(cells)} cells where the header has {len(header)}",
                                     {"row": line})
            row = dict(zip(header, cells))
            reference = row.pop("DATAFLOW", None) if found == "1.0" else row.pop("STRUCTURE_ID", None)
            if found == "2.0" and row.pop("STRUCTURE", "").strip().lower() not in ("dataflow", "datastructure"):
                raise UnreadableFile(f"row {line}: STRUCTURE must be 'dataflow'", {"row": line, "column": "STRUCTURE"})
            if not flow_matches(reference):
                raise UnreadableFile(f"row {line}: this endpoint takes {FLOW_REF} only, not {reference!r}",
                                     {"row": line, "column": "STRUCTURE_ID" if found == "2.0" else "DATAFLOW"})
            action = action_of(row.pop("ACTION", ""), line)
            records.append(Record(line, {k: v.strip() for k, v in row.items()}, action))
            count_checked(len(records))
    except csv.Error as exc:
        raise UnreadableFile(f"line {reader.line_num}: {exc}", {"row": reader.line_num}) from None
    return records
