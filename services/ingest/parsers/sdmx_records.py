"""What the national-submission parsers (SDMX-CSV, SDMX-ML, the xlsx
template) hand the validator: one ``Record`` per observation, with the row it
came from (the file's line, spreadsheet row or ``Obs`` element number), its
cells by component id as written, and its action (I, R, D; M reads as R).

Parsers only read; ``services.ingest.national_validation`` checks the values
against the NATIONAL_REMITTANCES structure. A file that cannot be read at all
raises ``UnreadableFile`` with the reason."""
import dataclasses

from observatory.sdmx.model import AGENCY, VERSION
from services.ingest.exceptions import LimitExceeded, UnreadableFile

FLOW_ID = "NATIONAL_REMITTANCES"
FLOW_REF = f"{AGENCY}:{FLOW_ID}({VERSION})"
DSD_ID = "DSD_NATIONAL_REMITTANCES"
MAX_SUBMISSION_BYTES = 4 * 1024 * 1024  # one RPC message: a national table is a few thousand rows
MAX_OBSERVATIONS = 50_000
ACTIONS = {"I": "I", "A": "I", "R": "R", "M": "R", "D": "D"}  # SDMX 3.0: A(ppend), M(erge) and their 2.1 names


@dataclasses.dataclass
class Record:
    row: int
    cells: dict
    action: str = "I"


def action_of(value, row):
    """The record's action from an ACTION cell ('' is I); UnreadableFile names a bad one."""
    text = (value or "I").strip().upper() or "I"
    if text not in ACTIONS:
        raise UnreadableFile(f"row {row}: ACTION must be I, R or D, not {value!r}",
                             {"row": row, "column": "ACTION"})
    return ACTIONS[text]


def count_checked(count):
    if count > MAX_OBSERVATIONS:
        raise LimitExceeded(f"a submission holds at most {MAX_OBSERVATIONS:,} observations",
                            {"limit": "max_observations", "allowed": MAX_OBSERVATIONS, "found": count})


def header_id(text):
    """A header cell's component id: 'FREQ: Frequency' (labels=both) → 'FREQ'."""
    return str(text or "").split(":", 1)[0].strip().lstrip("\ufeff").upper()


def flow_matches(reference):
    """True when a STRUCTURE_ID / DATAFLOW cell names this dataflow (or its DSD)."""
    text = str(reference or "").strip()
    return text in (FLOW_REF, f"{AGENCY}:{DSD_ID}({VERSION})", FLOW_ID, DSD_ID)
