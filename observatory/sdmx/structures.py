"""The observatory's SDMX structures (DESIGN §10): one concept scheme, the
data structure definitions and the five dataflows, agency OBSERVATORY,
version 1.0, and how a structure query's ``references`` resolve among them."""
import functools

from observatory.sdmx.codelists import codelists
from observatory.sdmx.model import (
    PRIMARY_MEASURE,
    TIME_DIMENSION,
    Component,
    Concept,
    ConceptScheme,
    Dataflow,
    DataStructure,
)

CONCEPT_SCHEME_ID = "CS_OBSERVATORY"
CONCEPTS = {
    "FREQ": "Frequency", "SOURCE_AREA": "Sending country or area", "DEST_AREA": "Receiving country or area",
    "REF_AREA": "Reference area", "COUNTERPART_AREA": "Counterpart area", "SERIES": "Corridor cost series",
    "AMOUNT": "Amount sent", "PROVIDER": "Remittance service provider", "PRODUCT": "Product",
    "MEASURE": "Measure", "INDICATOR": "Indicator", "SOURCE": "Source", "CHANNEL": "Channel",
    TIME_DIMENSION: "Time period", PRIMARY_MEASURE: "Observation value",
    "OBS_STATUS": "Observation status", "DECIMALS": "Decimals", "UNIT_MEASURE": "Unit of measure",
    "UNIT_MULT": "Unit multiplier", "QUOTES": "Number of quotes",
    "QUOTES_TRANSPARENT": "Number of transparent quotes", "PROVENANCE": "Provenance",
    "FIRM_TYPE": "Provider type", "PAYMENT_INSTRUMENT": "Payment instrument", "ACCESS_POINT": "Access point",
    "SPEED": "Speed of delivery", "TRANSPARENT": "Exchange rate disclosed", "WEIGHT_YEAR": "Weight year",
}


def _coded(component_id, codelist=None, **kwargs):
    return Component(component_id, codelist or f"CL_{component_id}", **kwargs)


FREQ = _coded("FREQ")
AREA = {name: _coded(name, "CL_AREA") for name in ("SOURCE_AREA", "DEST_AREA", "REF_AREA", "COUNTERPART_AREA")}
OBS_STATUS, UNIT_MEASURE, UNIT_MULT = _coded("OBS_STATUS"), _coded("UNIT_MEASURE", "CL_UNIT"), _coded("UNIT_MULT")
DECIMALS = Component("DECIMALS", text_type="Integer")

DATA_STRUCTURES = {dsd.id: dsd for dsd in (
    DataStructure("DSD_RPW_CORRIDOR_COST", "Remittance corridor cost", (
        FREQ, AREA["SOURCE_AREA"], AREA["DEST_AREA"], _coded("SERIES"), _coded("AMOUNT")), (
        OBS_STATUS, DECIMALS, UNIT_MEASURE, Component("QUOTES", text_type="Integer"),
        Component("QUOTES_TRANSPARENT", text_type="Integer"), Component("PROVENANCE"))),
    DataStructure("DSD_RPW_PRICES", "Remittance prices by provider and product", (
        FREQ, AREA["SOURCE_AREA"], AREA["DEST_AREA"], Component("PROVIDER"), Component("PRODUCT"),
        _coded("AMOUNT"), _coded("MEASURE")), (
        _coded("FIRM_TYPE"), Component("PAYMENT_INSTRUMENT"), Component("ACCESS_POINT"), _coded("SPEED"),
        Component("TRANSPARENT", text_type="Boolean"), OBS_STATUS, DECIMALS, UNIT_MEASURE)),
    DataStructure("DSD_RPW_INDICATORS", "Remittance cost headline indicators", (
        FREQ, _coded("INDICATOR")), (
        Component("WEIGHT_YEAR", text_type="Integer"), OBS_STATUS, DECIMALS, UNIT_MEASURE)),
    DataStructure("DSD_FLOWS", "Remittance flows", (
        FREQ, AREA["REF_AREA"], AREA["COUNTERPART_AREA"], _coded("INDICATOR"), _coded("SOURCE")), (
        UNIT_MEASURE, UNIT_MULT, OBS_STATUS, DECIMALS)),
    # The national currency is free text until a currency codelist is shared.
    DataStructure("DSD_NATIONAL_REMITTANCES", "National remittance statistics", (
        FREQ, AREA["REF_AREA"], AREA["COUNTERPART_AREA"], _coded("CHANNEL"), _coded("MEASURE")), (
        Component("UNIT_MEASURE", mandatory=True), _coded("UNIT_MULT", mandatory=True), OBS_STATUS, DECIMALS)),
)}

DATAFLOWS = {flow.id: flow for flow in (
    Dataflow("RPW_CORRIDOR_COST", "Remittance corridor costs (observed, official, derived, declared)",
             "DSD_RPW_CORRIDOR_COST"),
    Dataflow("RPW_PRICES", "Remittance prices by provider and product", "DSD_RPW_PRICES"),
    Dataflow("RPW_INDICATORS", "Remittance cost headline indicators (SDG 10.c.1)", "DSD_RPW_INDICATORS"),
    Dataflow("FLOWS", "Remittance inflows and outflows (KNOMAD, WDI, bilateral matrix)", "DSD_FLOWS"),
    Dataflow("NATIONAL_REMITTANCES", "National remittance statistics reported by member states",
             "DSD_NATIONAL_REMITTANCES"),
)}


@functools.lru_cache(maxsize=1)
def concept_scheme():
    return ConceptScheme(CONCEPT_SCHEME_ID, "Observatory concepts",
                         tuple(Concept(cid, name) for cid, name in CONCEPTS.items()))


def structure_of(flow_id):
    """The DataStructure a dataflow uses, or None for a flow the observatory does not publish."""
    flow = DATAFLOWS.get(flow_id)
    return DATA_STRUCTURES[flow.structure] if flow else None


# -- references (SDMX REST 2.1: none / parents / children / descendants / all) --------

ARTEFACT_TYPES = ("dataflow", "datastructure", "codelist", "conceptscheme")


def artefacts(artefact_type, artefact_id="all"):
    """The artefacts of one type, all or the one named; {} when none matches."""
    table = {"dataflow": DATAFLOWS, "datastructure": DATA_STRUCTURES, "codelist": codelists(),
             "conceptscheme": {CONCEPT_SCHEME_ID: concept_scheme()}}[artefact_type]
    if artefact_id in ("all", "*", None):
        return dict(table)
    return {artefact_id: table[artefact_id]} if artefact_id in table else {}


def _children(artefact_type, artefact):
    """(type, id) of what an artefact refers to directly."""
    if artefact_type == "dataflow":
        return [("datastructure", artefact.structure)]
    if artefact_type == "datastructure":
        coded = {c.codelist for c in (*artefact.dimensions, *artefact.attributes) if c.codelist}
        return [("conceptscheme", CONCEPT_SCHEME_ID)] + [("codelist", cl) for cl in sorted(coded)]
    return []


def _parents(artefact_type, artefact_id):
    """(type, id) of what refers to an artefact directly."""
    found = []
    for dsd in DATA_STRUCTURES.values():
        if (artefact_type, artefact_id) in _children("datastructure", dsd):
            found.append(("datastructure", dsd.id))
    for flow in DATAFLOWS.values():
        if (artefact_type, artefact_id) == ("datastructure", flow.structure):
            found.append(("dataflow", flow.id))
    return found


def resolve(artefact_type, artefact_id="all", references="none"):
    """{type: {id: artefact}} for the selection and what ``references`` adds.

    ``children``: what the selection refers to; ``descendants``: that, all the
    way down; ``parents``: what refers to it; ``parentsandsiblings``: the
    parents and their children; ``all``: parentsandsiblings and descendants; a type name
    (``codelist``, ...): the descendants of that type only."""
    selected = {(artefact_type, i): a for i, a in artefacts(artefact_type, artefact_id).items()}
    found = dict(selected)
    if references in ("children", "descendants", "all") or references in ARTEFACT_TYPES:
        pending = list(selected)
        while pending:
            key = pending.pop()
            for child in _children(key[0], found[key]):
                if child not in found:
                    found[child] = artefacts(child[0], child[1])[child[1]]
                    if references != "children":
                        pending.append(child)
    if references in ("parents", "parentsandsiblings", "all"):
        for key in list(selected):
            for parent in _parents(*key):
                found[parent] = artefacts(*parent)[parent[1]]
                if references != "parents":
                    for sibling in _children(parent[0], found[parent]):
                        found.setdefault(sibling, artefacts(*sibling)[sibling[1]])
    if references in ARTEFACT_TYPES:
        found = {k: v for k, v in found.items() if k in selected or k[0] == references}
    grouped = {}
    for (kind, aid), artefact in found.items():
        grouped.setdefault(kind, {})[aid] = artefact
    return grouped
