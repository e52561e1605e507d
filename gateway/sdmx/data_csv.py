"""SDMX-CSV data writers, streamed: 1.0 (a DATAFLOW column) and 2.0
(STRUCTURE, STRUCTURE_ID, ACTION), then the dimensions in key order,
TIME_PERIOD, OBS_VALUE and the attributes. An empty selection is the header
line alone."""
import csv
import io

from observatory.sdmx.model import PRIMARY_MEASURE, TIME_DIMENSION
from gateway.sdmx.values import observation_parts
from gateway.sdmx.xml import chunks

ACTIONS = ("I", "A", "R", "D")  # SDMX-CSV 2.0: information, append, replace, delete


class _Lines:
    """csv.writer that hands back each line it writes."""

    def __init__(self):
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def __call__(self, cells):
        self.writer.writerow(cells)
        line = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return line


def _rows(dsd, observations, leading):
    """``leading(observation)``: the cells before the dimensions."""
    for observation in observations:
        period, value, attributes = observation_parts(observation, dsd.attribute_ids)
        yield [*leading(observation), *(observation[d] for d in dsd.dimension_ids), period,
               "" if value is None else value, *(attributes.get(a, "") for a in dsd.attribute_ids)]


def _pieces(head, rows):
    line = _Lines()
    yield line(head)
    for row in rows:
        yield line(row)


def _columns(dsd):
    return [*dsd.dimension_ids, TIME_DIMENSION, PRIMARY_MEASURE, *dsd.attribute_ids]


def csv_v1(flow, dsd, observations, **_):
    """SDMX-CSV 1.0, as byte chunks."""
    reference = flow.urn_ref
    return chunks(_pieces(["DATAFLOW", *_columns(dsd)], _rows(dsd, observations, lambda _: [reference])))


def _action(observation):
    action = observation.get("ACTION", "I")
    if action not in ACTIONS:
        raise ValueError(f"not an SDMX-CSV action: {action!r}")
    return action


def csv_v2(flow, dsd, observations, **_):
    """SDMX-CSV 2.0, as byte chunks; an observation's ``ACTION`` defaults to I."""
    reference = flow.urn_ref
    return chunks(_pieces(["STRUCTURE", "STRUCTURE_ID", "ACTION", *_columns(dsd)],
                          _rows(dsd, observations, lambda o: ["dataflow", reference, _action(o)])))
