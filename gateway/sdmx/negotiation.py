"""Format negotiation for the SDMX web service: the ``format`` parameter,
else the ``Accept`` header (q-values, wildcards, ``version=``), to one of the
writers; SdmxNotAcceptable (406) when none fits."""
from dataclasses import dataclass

from gateway.sdmx.data_csv import csv_v1, csv_v2
from gateway.sdmx.data_json import json_data
from gateway.sdmx.data_ml import generic_data, structure_specific_data
from gateway.sdmx.errors import SdmxBadQuery, SdmxNotAcceptable
from gateway.sdmx.structure_ml import structure_message

_VND = "application/vnd.sdmx."
MAX_ACCEPT_ENTRIES = 64  # a header longer than this is not a browser's or a client's


@dataclass(frozen=True)
class Writer:
    name: str
    media_type: str  # the Content-Type of the answer
    write: object


GENERIC = Writer("genericdata", f"{_VND}genericdata+xml;version=2.1", generic_data)
STRUCTURE_SPECIFIC = Writer("structurespecificdata", f"{_VND}structurespecificdata+xml;version=2.1",
                            structure_specific_data)
JSON = Writer("jsondata", f"{_VND}data+json;version=1.0.0", json_data)
CSV_1 = Writer("csvdata", f"{_VND}data+csv;version=1.0.0", csv_v1)
CSV_2 = Writer("csvdata2", f"{_VND}data+csv;version=2.0.0", csv_v2)
STRUCTURE = Writer("structure", f"{_VND}structure+xml;version=2.1", structure_message)

# (type/subtype, version or None for any) → writer, per resource and API version.
_DATA_COMMON = {
    (f"{_VND}genericdata+xml", "2.1"): GENERIC,
    (f"{_VND}structurespecificdata+xml", "2.1"): STRUCTURE_SPECIFIC,
    (f"{_VND}data+json", "1.0.0"): JSON, (f"{_VND}data+json", "1.0"): JSON,
    (f"{_VND}data+csv", "1.0.0"): CSV_1, (f"{_VND}data+csv", "1.0"): CSV_1,
    (f"{_VND}data+csv", "2.0.0"): CSV_2, (f"{_VND}data+csv", "2.0"): CSV_2,
    ("application/json", None): JSON,
}
# Without a version, each API version's own default (REST 2.1: SDMX-ML generic and
# SDMX-CSV 1.0; REST 3.0 has no 2.1 default, so the closest: structure-specific and CSV 2.0).
_DEFAULTS = {
    "2.1": {None: GENERIC, f"{_VND}genericdata+xml": GENERIC, f"{_VND}structurespecificdata+xml": STRUCTURE_SPECIFIC,
            f"{_VND}data+json": JSON, f"{_VND}data+csv": CSV_1, "text/csv": CSV_1, "application/xml": GENERIC,
            "text/xml": GENERIC},
    "3.0": {None: STRUCTURE_SPECIFIC, f"{_VND}structurespecificdata+xml": STRUCTURE_SPECIFIC,
            f"{_VND}genericdata+xml": GENERIC, f"{_VND}data+json": JSON, f"{_VND}data+csv": CSV_2,
            "text/csv": CSV_2, "application/xml": STRUCTURE_SPECIFIC, "text/xml": STRUCTURE_SPECIFIC},
}
_STRUCTURE_TYPES = {None: STRUCTURE, f"{_VND}structure+xml": STRUCTURE, "application/xml": STRUCTURE,
                    "text/xml": STRUCTURE}
# The ``format`` parameter's values (as the ECB, Eurostat and .Stat services name them).
FORMAT_PARAMETER = {"genericdata": GENERIC, "structurespecificdata": STRUCTURE_SPECIFIC, "jsondata": JSON,
                    "sdmx-json": JSON, "csvdata": CSV_1, "sdmx-csv": CSV_1, "csv": CSV_1, "sdmx-csv-2": CSV_2,
                    "csvdata2": CSV_2, "structure": STRUCTURE}


def parse_accept(header):
    """[(type/subtype, {param: value}, q)] best first; malformed entries are skipped, q=0 refuses."""
    entries = []
    for position, part in enumerate(str(header or "").split(",")[:MAX_ACCEPT_ENTRIES]):
        media, *params = [p.strip() for p in part.split(";")]
        if media.count("/") != 1:
            continue
        options = {}
        for param in params:
            key, _, value = param.partition("=")
            options[key.strip().lower()] = value.strip().strip('"')
        try:
            q = float(options.pop("q", "1"))
        except ValueError:
            continue
        if 0 < q <= 1:
            entries.append((media.lower(), options, q, position))
    entries.sort(key=lambda e: (-e[2], e[3]))
    return [(media, options, q) for media, options, q, _ in entries]


def _match(media, version, resource, api):
    if resource == "structure":
        if media in ("*/*", "application/*"):
            return STRUCTURE
        return _STRUCTURE_TYPES.get(media) if version in (None, "2.1") else None
    defaults = _DEFAULTS[api]
    if media in ("*/*", "application/*"):
        return defaults[None]
    if version is None:
        return defaults.get(media) or _DATA_COMMON.get((media, None))
    return _DATA_COMMON.get((media, version))


def supported(resource="data"):
    writers = [STRUCTURE] if resource == "structure" else [GENERIC, STRUCTURE_SPECIFIC, JSON, CSV_1, CSV_2]
    return [w.media_type for w in writers]


def negotiate(accept=None, format_parameter=None, resource="data", api="2.1"):
    """The Writer for a request: ``format`` wins over ``Accept``; no Accept means the default."""
    if format_parameter is not None:
        writer = FORMAT_PARAMETER.get(str(format_parameter).strip().lower())
        if writer is None or (writer is STRUCTURE) != (resource == "structure"):
            raise SdmxBadQuery(f"unknown format {str(format_parameter)[:40]!r}",
                               {"parameter": "format", "supported": sorted(FORMAT_PARAMETER)})
        return writer
    if accept is None or not str(accept).strip():
        return _match("*/*", None, resource, api)
    for media, options, _ in parse_accept(accept):
        writer = _match(media, options.get("version"), resource, api)
        if writer is not None:
            return writer
    raise SdmxNotAcceptable("none of the formats in Accept is one this service writes",
                            {"accept": str(accept)[:200], "supported": supported(resource)})
