"""What one import may cost. Parsing runs in a child process that enforces
these (see parse_worker); a file over a limit fails with the limit it broke.
Values come from the ``IMPORT_LIMITS`` mapping of the service config."""
import dataclasses

from services.ingest.exceptions import LimitExceeded

MiB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class ParseLimits:
    max_seconds: float = 600.0  # wall time of one file's parse
    max_memory_bytes: int = 3072 * MiB  # address space of the parsing process
    max_decompressed_bytes: int = 1024 * MiB  # an XLSX's parts, unpacked
    max_shared_strings_bytes: int = 128 * MiB  # an XLSX's string table, unpacked
    max_rows: int = 2_000_000
    max_columns: int = 1024  # the widest real file (a bilateral matrix) has 217
    max_cells: int = 100_000_000
    max_cell_bytes: int = 1 * MiB

    @classmethod
    def from_config(cls, values):
        names = {f.name: f.type for f in dataclasses.fields(cls)}
        unknown = set(values or {}) - set(names)
        if unknown:
            raise ValueError(f"unknown IMPORT_LIMITS: {sorted(unknown)}")
        return cls(**{k: (float if names[k] in (float, "float") else int)(v) for k, v in (values or {}).items()})

    def as_dict(self):
        return dataclasses.asdict(self)


def limit_exceeded(limit, allowed, found=None, what=""):
    found_text = f" (found {found:,})" if isinstance(found, int) else (f" (found {found})" if found else "")
    return LimitExceeded(f"the file exceeds the import limit {limit} = {allowed:,}{found_text}"
                         + (f": {what}" if what else ""), {"limit": limit, "allowed": allowed, "found": found})


# The limits in force in this process (the parse worker sets them).
_in_force = ParseLimits()


def in_force():
    return _in_force


def set_in_force(limits):
    global _in_force
    _in_force = limits
