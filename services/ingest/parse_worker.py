"""Parse one file in a child process, so that no file can stall the service.

    python -m services.ingest.parse_worker '{"kind": ..., "path": ..., "limits": {...}}'

The child applies the memory limit to itself, parses with the limits in
force, and writes pickled messages to stdout: ``("rows", [ParsedRow, ...])``
batches, then ``("done", None)`` or ``("failed", reason, details)``. The
parent (``run_parser``) kills it past the wall-time limit. Pickle is safe
here: both ends are this code.
"""
import json
import logging
import pickle
import resource
import signal
import struct
import sys

from observatory.processes import die_with_parent
from services.ingest.exceptions import UnreadableFile
from services.ingest.limits import ParseLimits, limit_exceeded, set_in_force

log = logging.getLogger(__name__)
BATCH_ROWS = 500
_LENGTH = struct.Struct(">Q")


def write_message(out, *message):
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_LENGTH.pack(len(data)) + data)


def _read_exactly(stream, size):
    chunks, left = [], size
    while left:
        chunk = stream.read(left)  # a pipe may return less than asked
        if not chunk:
            raise EOFError("the parser's output ended early")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_message(stream):
    (size,) = _LENGTH.unpack(_read_exactly(stream, _LENGTH.size))
    return pickle.loads(_read_exactly(stream, size))


def parsers():
    from services.ingest.parsers.bilateral_matrix import parse_bilateral_matrix
    from services.ingest.parsers.corridor_averages import parse_corridor_averages
    from services.ingest.parsers.corridor_means import parse_corridor_means
    from services.ingest.parsers.country_flows import parse_country_flows
    from services.ingest.parsers.rpw_quotes import parse_rpw_quotes

    return {"rpw-quotes": parse_rpw_quotes, "rpw-corridor-averages": parse_corridor_averages,
            "rpw-corridor-means": parse_corridor_means,
            "bilateral-matrix": parse_bilateral_matrix, "country-flows": parse_country_flows}


def parse_file(kind, path, year=None, filename=None):
    """Every ParsedRow of the file, in this process (the limits in force apply)."""
    with open(path, "rb") as raw:
        yield from parsers()[kind](raw, year=year, filename=filename)



def main(argv):
    die_with_parent(signal.SIGKILL)  # if ingest dies, this parse dies with it
    job = json.loads(argv[1])
    limits = ParseLimits.from_config(job.get("limits"))
    resource.setrlimit(resource.RLIMIT_AS, (limits.max_memory_bytes, limits.max_memory_bytes))
    set_in_force(limits)
    out = sys.stdout.buffer
    batch = []
    try:
        for parsed in parse_file(job["kind"], job["path"], job.get("year"), job.get("filename")):
            batch.append(parsed)
            if len(batch) >= BATCH_ROWS:
                write_message(out, "rows", batch)
                batch = []
        write_message(out, "rows", batch)
        write_message(out, "done", None, None)
    except UnreadableFile as exc:
        write_message(out, "rows", batch)
        write_message(out, "failed", exc.message, exc.details)
    except MemoryError:
        failure = limit_exceeded("max_memory_bytes", limits.max_memory_bytes, what="parsing needs more memory")
        write_message(out, "failed", failure.message, failure.details)
    except RecursionError:
        write_message(out, "failed", "the file is nested too deeply to read", {})
    except Exception as exc:  # a parser fault on a strange file: say what, never hang
        log.exception("parsing %s failed", job.get("filename"))
        write_message(out, "failed", f"the file cannot be read: {type(exc).__name__}: {str(exc)[:300]}", {})
    out.flush()
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    sys.exit(main(sys.argv))


