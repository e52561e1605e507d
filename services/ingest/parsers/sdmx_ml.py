"""SDMX-ML 2.1 structure-specific data of NATIONAL_REMITTANCES, read into
``Record``s with lxml's iterparse, safely: no DTD at all (so no entity can
expand or reach a file or the network: XXE and billion laughs are refused
before parsing), no network, no huge-tree mode, bounded depth, each element
cleared once read. Observations come as ``Series``/``Obs`` or flat ``Obs``;
a ``Series`` (and the ``DataSet``) lends its attributes to its observations."""
import io
import re

from lxml import etree

from services.ingest.exceptions import UnreadableFile
from services.ingest.parsers.sdmx_records import DSD_ID, FLOW_ID, Record, count_checked

MAX_DEPTH = 12  # StructureSpecificData/DataSet/Series/Obs is 4 deep; the header a few more
DATASET_ACTIONS = {"append": "I", "information": "I", "replace": "R", "delete": "D"}
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _plain(attrib):
    """An element's attributes without namespaced ones (xsi:type and the like)."""
    return {k: v.strip() for k, v in attrib.items() if not k.startswith("{")}


def _events(data):
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:1024]:
        raise UnreadableFile("SDMX-ML submissions are UTF-8 XML", {"reason": "encoding"})
    if _DOCTYPE.search(data):
        raise UnreadableFile("the XML declares a DTD or entities: refused (SDMX-ML needs neither)",
                             {"reason": "doctype"})
    return etree.iterparse(io.BytesIO(data), events=("start", "end"), resolve_entities=False, no_network=True,
                           load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)


def parse_sdmx_ml(data):
    """The records of a structure-specific data message; UnreadableFile when it is not one."""
    records, depth, row, names_structure = [], 0, 0, False
    dataset_attrs, series_attrs, action, root_seen = {}, {}, "I", False
    try:
        for event, element in _events(data):
            name = _local(element.tag)
            if event == "start":
                depth += 1
                if depth > MAX_DEPTH:
                    raise UnreadableFile(f"the XML is nested deeper than {MAX_DEPTH} levels", {"max_depth": MAX_DEPTH})
                if not root_seen:
                    root_seen = True
                    if name != "StructureSpecificData":
                        raise UnreadableFile(f"not an SDMX-ML structure-specific data message (root {name!r})",
                                             {"root": name})
                if name == "DataSet":
                    dataset_attrs = {k: v for k, v in _plain(element.attrib).items()
                                     if k not in ("structureRef", "action", "dataScope", "setID", "validFromDate",
                                                  "validToDate", "publicationYear", "publicationPeriod",
                                                  "reportingBeginDate", "reportingEndDate")}
                    wanted = element.get("action", "Information").strip().lower()
                    if wanted not in DATASET_ACTIONS:
                        raise UnreadableFile(f"DataSet action {wanted!r} is not an SDMX 2.1 action",
                                             {"column": "action"})
                    action = DATASET_ACTIONS[wanted]
                elif name == "Series":
                    series_attrs = _plain(element.attrib)
                continue
            depth -= 1
            if name in ("URN", "Ref", "Structure", "StructureUsage") and not names_structure:
                names_structure = any(ref in (element.text or "") + " ".join(element.attrib.values())
                                      for ref in (DSD_ID, FLOW_ID))
            if name == "Obs":
                row += 1
                records.append(Record(row, {**dataset_attrs, **series_attrs, **_plain(element.attrib)}, action))
                count_checked(len(records))
                element.clear(keep_tail=False)
            elif name == "Series":
                series_attrs = {}
                element.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(f"the XML is not well formed: {exc.msg}", {"line": exc.lineno}) from None
    if not root_seen:
        raise UnreadableFile("the file holds no XML")
    if not names_structure:
        raise UnreadableFile(f"the message's header does not name the structure {DSD_ID} (or the dataflow {FLOW_ID})",
                             {"structure": None})
    return records
