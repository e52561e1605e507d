"""SDMX REST query parsing and format negotiation, as tables: valid keys and
filters, hostile ones, and the status each refusal carries (400 bad key or
parameter, 404 unknown flow or nothing to answer, 406 format, 501 not here)."""
import datetime as dt

import pytest

from gateway.sdmx.errors import SdmxBadQuery, SdmxNoResults, SdmxNotAcceptable, SdmxNotImplemented
from gateway.sdmx.negotiation import negotiate
from gateway.sdmx.query import data_query_21, data_query_30
from observatory.errors import NotFound

ANY = None


@pytest.mark.parametrize("key, expected", [
    ("all", (ANY, ANY, ANY, ANY, ANY)),
    ("....", (ANY, ANY, ANY, ANY, ANY)),
    ("Q.USA.NPL.OFFICIAL.USD200", ({"Q"}, {"USA"}, {"NPL"}, {"OFFICIAL"}, {"USD200"})),
    ("A.NPL+BGD...", ({"A"}, {"NPL", "BGD"}, ANY, ANY, ANY)),
    ("Q..LDC+WLD+SSF..USD500", ({"Q"}, ANY, {"LDC", "WLD", "SSF"}, ANY, {"USD500"})),
])
def test_2_1_keys(key, expected):
    query = data_query_21("RPW_CORRIDOR_COST", key)
    assert query.key == tuple(None if e is None else frozenset(e) for e in expected)


@pytest.mark.parametrize("key, expected", [
    ("*", (ANY,) * 5),
    ("A.NPL,BGD.*.INFLOW.*", ({"A"}, {"NPL", "BGD"}, ANY, {"INFLOW"}, ANY)),
    ("A.*.WLD.*.KNOMAD", ({"A"}, ANY, {"WLD"}, ANY, {"KNOMAD"})),
])
def test_3_0_keys(key, expected):
    query = data_query_30("dataflow", "OBSERVATORY", "FLOWS", "1.0", key)
    assert query.key == tuple(None if e is None else frozenset(e) for e in expected)


@pytest.mark.parametrize("key, fragment", [
    ("Q.USA", "2 parts"),
    ("Q.USA.NPL.OFFICIAL.USD200.X", "6 parts"),
    ("Q.usa.NPL..", "not a code of CL_AREA"),
    ("Q.USA+.NPL..", "empty value"),
    ("Q.+USA.NPL..", "empty value"),
    ("Q.US A.NPL..", "not an SDMX code"),
    ("Q.\u0661\u0662\u0663.NPL..", "not an SDMX code"),  # Arabic-Indic digits
    ("Q.NPL\x00.USA..", "not an SDMX code"),
    ("Q.NPL%2B.USA..", "not an SDMX code"),
    ("Q.'OR'1'='1.NPL..", "not an SDMX code"),
    ("Q.{\"$ne\":1}.NPL..", "not an SDMX code"),
    ("X.USA.NPL..", "not a code of CL_FREQ"),
    ("Q.USA.NPL.HEADLINE.", "not a code of CL_SERIES"),
    ("Q." + "+".join(["USA"] * 700) + ".NPL..", "at most 2000 characters"),
])
def test_bad_2_1_keys_are_400_naming_the_part(key, fragment):
    with pytest.raises(SdmxBadQuery) as refused:
        data_query_21("RPW_CORRIDOR_COST", key)
    assert refused.value.status == 400 and fragment in refused.value.message


def test_free_text_dimensions_take_real_provider_names_but_not_control_characters():
    query = data_query_21("RPW_PRICES", "Q.USA.IND.Western Union..USD200.TOTAL_COST")
    assert query.key[3] == {"Western Union"}
    with pytest.raises(SdmxBadQuery):
        data_query_21("RPW_PRICES", "Q.USA.IND.Western\x07Union..USD200.TOTAL_COST")


@pytest.mark.parametrize("params, start, end", [
    ({"startPeriod": "2014-Q1", "endPeriod": "2014-Q2"}, dt.date(2014, 1, 1), dt.date(2014, 6, 30)),
    ({"startPeriod": "2014"}, dt.date(2014, 1, 1), None),
    ({"endPeriod": "2016-02"}, None, dt.date(2016, 2, 29)),
    ({"startPeriod": "2014-03-15", "endPeriod": "2014-03-15"}, dt.date(2014, 3, 15), dt.date(2014, 3, 15)),
])
def test_2_1_periods(params, start, end):
    query = data_query_21("RPW_CORRIDOR_COST", "all", params=params)
    assert (query.start, query.end) == (start, end)


@pytest.mark.parametrize("expression, start, end", [
    ("ge:2014-Q1+le:2014-Q4", dt.date(2014, 1, 1), dt.date(2014, 12, 31)),
    ("gt:2014", dt.date(2015, 1, 1), None),
    ("lt:2014-Q2", None, dt.date(2014, 3, 31)),
    ("2014-Q3", dt.date(2014, 7, 1), dt.date(2014, 9, 30)),
])
def test_3_0_time_filters(expression, start, end):
    query = data_query_30("dataflow", "OBSERVATORY", "RPW_CORRIDOR_COST", "1.0", "*", {"c[TIME_PERIOD]": expression})
    assert (query.start, query.end) == (start, end)


def test_3_0_dimension_filters_narrow_the_key():
    query = data_query_30("dataflow", "*", "RPW_CORRIDOR_COST", "~", "Q.USA,GBR.*.*.*",
                          {"c[SOURCE_AREA]": "GBR,ARE", "c[SERIES]": "ne:OBSERVED"})
    assert query.key[1] == {"GBR"}
    assert query.key[3] == {"OFFICIAL", "DERIVED", "DECLARED", "NATIONAL"}


def test_a_free_text_filter_value_may_hold_a_colon_but_codes_take_no_comparison():
    query = data_query_30("dataflow", "OBSERVATORY", "RPW_PRICES", "1.0", "*",
                          {"c[PROVIDER]": "Western Union: Bank", "c[MEASURE]": "eq:FEE"})  # a real name, colon added
    assert query.key[3] == {"Western Union: Bank"} and query.key[6] == {"FEE"}
    with pytest.raises(SdmxBadQuery):
        data_query_30("dataflow", "OBSERVATORY", "RPW_PRICES", "1.0", "*", {"c[MEASURE]": "ge:FEE"})


def test_a_query_selects_by_key_and_period():
    query = data_query_21("RPW_CORRIDOR_COST", "Q.USA..OFFICIAL.", params={"startPeriod": "2014-Q2"})
    base = {"FREQ": "Q", "SOURCE_AREA": "USA", "DEST_AREA": "MEX", "SERIES": "OFFICIAL", "AMOUNT": "USD200"}
    assert query.selects({**base, "TIME_PERIOD": "2014Q2"})
    assert not query.selects({**base, "TIME_PERIOD": "2014Q1"})
    assert not query.selects({**base, "SOURCE_AREA": "GBR", "TIME_PERIOD": "2014Q3"})


@pytest.mark.parametrize("call, error, status", [
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"startPeriod": "2014Q5"}), SdmxBadQuery, 400),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"startPeriod": "2015", "endPeriod": "2014"}),
     SdmxBadQuery, 400),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"startPeriod": "2014-02-30"}), SdmxBadQuery, 400),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"firstNObservations": "0"}), SdmxBadQuery, 400),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"lastNObservations": "-1"}), SdmxBadQuery, 400),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"lastNObservations": "1e3"}), SdmxBadQuery, 400),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"lastNObservations": "\u0663"}), SdmxBadQuery, 400),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"updatedAfter": "2024-01-01"}), SdmxBadQuery, 400),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"updatedAfter": "2024-01-01T00:00:00"}),
     SdmxBadQuery, 400),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"detail": "everything"}), SdmxBadQuery, 400),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"detail": "serieskeysonly"}), SdmxNotImplemented, 501),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"dimensionAtObservation": "DEST_AREA"}),
     SdmxNotImplemented, 501),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"dimensionAtObservation": "WHEN"}), SdmxBadQuery, 400),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"asOf": "2024-01-01T00:00:00Z"}), SdmxBadQuery, 400),
    (lambda: data_query_21("RPW_CORRIDOR_COST", "all", params={"includeHistory": "yes"}), SdmxBadQuery, 400),
    (lambda: data_query_21("EXR", "all"), NotFound, 404),
    (lambda: data_query_21("ECB,RPW_PRICES,1.0", "all"), NotFound, 404),
    (lambda: data_query_21("OBSERVATORY,RPW_PRICES,2.0", "all"), NotFound, 404),
    (lambda: data_query_21("OBSERVATORY,,1.0", "all"), SdmxBadQuery, 400),
    (lambda: data_query_21("RPW_PRICES", "all", "ECB,SOMEONE"), SdmxNoResults, 404),
    (lambda: data_query_30("datastructure", "OBSERVATORY", "DSD_FLOWS", "1.0"), SdmxNotImplemented, 501),
    (lambda: data_query_30("cube", "OBSERVATORY", "FLOWS", "1.0"), SdmxBadQuery, 400),
    (lambda: data_query_30("dataflow", "OBSERVATORY", "*", "1.0"), SdmxNotImplemented, 501),
    (lambda: data_query_30("dataflow", "OBSERVATORY", "FLOWS", "1.0", "A.NPL..INFLOW.*"), SdmxBadQuery, 400),
    (lambda: data_query_30("dataflow", "OBSERVATORY", "FLOWS", "1.0", "*", {"startPeriod": "2014"}),
     SdmxBadQuery, 400),
    (lambda: data_query_30("dataflow", "OBSERVATORY", "FLOWS", "1.0", "*", {"c[WHEN]": "2014"}), SdmxBadQuery, 400),
    (lambda: data_query_30("dataflow", "OBSERVATORY", "FLOWS", "1.0", "*", {"c[UNIT_MULT]": "6"}),
     SdmxNotImplemented, 501),
    (lambda: data_query_30("dataflow", "OBSERVATORY", "FLOWS", "1.0", "*", {"c[REF_AREA]": "co:NP"}),
     SdmxNotImplemented, 501),
    (lambda: data_query_30("dataflow", "OBSERVATORY", "FLOWS", "1.0", "*", {"c[TIME_PERIOD]": "xx:2014"}),
     SdmxBadQuery, 400),
    (lambda: data_query_30("dataflow", "OBSERVATORY", "FLOWS", "1.0", "*", {"c[TIME_PERIOD]": "2014,2016"}),
     SdmxNotImplemented, 501),
    (lambda: data_query_30("dataflow", "OBSERVATORY", "FLOWS", "1.0", "*", {"asOf": "yesterday"}), SdmxBadQuery, 400),
    (lambda: data_query_30("dataflow", "OBSERVATORY", "FLOWS", "1.0", "*", {"measures": "none"}),
     SdmxNotImplemented, 501),
])
def test_refusals_carry_their_status(call, error, status):
    with pytest.raises(error) as refused:
        call()
    assert refused.value.status == status and refused.value.message


@pytest.mark.parametrize("accept, fmt, api, writer", [
    (None, None, "2.1", "genericdata"),
    ("*/*", None, "3.0", "structurespecificdata"),
    ("application/vnd.sdmx.genericdata+xml;version=2.1", None, "2.1", "genericdata"),
    ("application/vnd.sdmx.structurespecificdata+xml;version=2.1", None, "3.0", "structurespecificdata"),
    ("application/vnd.sdmx.data+json;version=1.0.0", None, "2.1", "jsondata"),
    ("application/json", None, "3.0", "jsondata"),
    ("application/vnd.sdmx.data+csv;version=1.0.0", None, "3.0", "csvdata"),
    ("application/vnd.sdmx.data+csv;version=2.0.0", None, "2.1", "csvdata2"),
    ("text/csv", None, "2.1", "csvdata"),
    ("text/csv", None, "3.0", "csvdata2"),
    ("text/html;q=0.9, application/vnd.sdmx.data+csv;version=2.0.0;q=0.5", None, "2.1", "csvdata2"),
    ("application/json;q=0.2, application/vnd.sdmx.genericdata+xml;version=2.1;q=0.8", None, "2.1", "genericdata"),
    ("text/html, application/xhtml+xml, */*;q=0.8", None, "2.1", "genericdata"),  # a browser
    ("text/html", "csvdata", "2.1", "csvdata"),  # format= wins over Accept
    (None, "sdmx-csv-2", "3.0", "csvdata2"),
    ("garbage;;;, text/csv;q=abc, application/vnd.sdmx.data+json;version=1.0.0", None, "2.1", "jsondata"),
])
def test_format_negotiation(accept, fmt, api, writer):
    assert negotiate(accept, fmt, "data", api).name == writer


@pytest.mark.parametrize("accept", [
    "text/html", "application/vnd.sdmx.data+json;version=2.0.0", "application/vnd.sdmx.data+xml;version=3.0.0",
    "application/vnd.sdmx.genericdata+xml;version=2.0", "text/csv;q=0", "application/pdf, image/*", ",,,",
    ";version=2.1", "application/vnd.sdmx.structure+xml;version=2.1",
])
def test_formats_not_written_are_406_listing_the_supported(accept):
    with pytest.raises(SdmxNotAcceptable) as refused:
        negotiate(accept)
    assert refused.value.status == 406
    assert "application/vnd.sdmx.data+csv;version=2.0.0" in refused.value.details["supported"]


def test_structure_negotiation():
    assert negotiate("application/vnd.sdmx.structure+xml;version=2.1", resource="structure").name == "structure"
    assert negotiate("application/xml", resource="structure").name == "structure"
    with pytest.raises(SdmxNotAcceptable):
        negotiate("application/vnd.sdmx.structure+json;version=1.0.0", resource="structure")


@pytest.mark.parametrize("fmt", ["xlsx", "structure", "", "csvdata\x00"])
def test_an_unknown_format_parameter_is_400(fmt):
    with pytest.raises(SdmxBadQuery):
        negotiate(None, fmt, "data")
