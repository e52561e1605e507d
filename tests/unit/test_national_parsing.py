"""National submissions read and checked against the NATIONAL_REMITTANCES
structure: files written by pysdmx (SDMX-CSV 1.0, 2.0) and sdmx1 (SDMX-ML
structure-specific) from the observatory's own structure are accepted with
WDI's real figures; hostile files made from them are refused with the row,
column and reason of each error, or as unreadable (DTD/XXE, depth, size)."""
import io

import openpyxl
import pytest

from observatory.sdmx.codelists import codelists
from services.ingest.exceptions import LimitExceeded, UnreadableFile
from services.ingest.national_validation import validate
from services.ingest.parsers import sdmx_records
from services.ingest.parsers.sdmx_csv import parse_sdmx_csv
from services.ingest.parsers.sdmx_ml import parse_sdmx_ml
from services.ingest.parsers.sdmx_xlsx import parse_sdmx_xlsx, template_bytes, template_columns
from tests.national_files import csv_with, csv_with_row_repeated, rows, sdmx_csv, sdmx_ml, wdi_inflows_usd

YEARS = (2019, 2020, 2021)


@pytest.fixture(scope="module")
def observations():
    return rows("NPL", YEARS)


def _checked(records, country="NPL"):
    return validate(records, country)


@pytest.mark.parametrize("writer", [lambda o: parse_sdmx_csv(sdmx_csv(o, "1.0"), "1.0"),
                                    lambda o: parse_sdmx_csv(sdmx_csv(o, "2.0"), "2.0"),
                                    lambda o: parse_sdmx_ml(sdmx_ml(o))], ids=["csv-1.0", "csv-2.0", "sdmx-ml"])
def test_files_written_by_sdmx_libraries_are_accepted_with_the_wdi_figures(writer, observations):
    accepted, errors, total = _checked(writer(observations))
    assert (errors, total) == ([], 0)
    wdi = wdi_inflows_usd("NPL")
    assert {o["time_period"]: o["value"] for o in accepted} == pytest.approx(
        {str(y): wdi[y] / 1e6 for y in YEARS}, rel=1e-9)
    assert {o["key"] for o in accepted} == {"A.NPL.WLD._T.INFLOW"}
    assert all(o["attrs"]["UNIT_MEASURE"] == "USD" and o["attrs"]["UNIT_MULT"] == "6" for o in accepted)


@pytest.mark.parametrize("column,value,message", [
    ("REF_AREA", "BGD", "not your institution's country"),
    ("COUNTERPART_AREA", "XYZ", "is not a code of CL_AREA"),
    ("CHANNEL", "PIGEON", "is not a code of CL_CHANNEL"),
    ("OBS_VALUE", "about nine", "is not a number"),
    ("OBS_VALUE", "inf", "not a finite number"),
    ("OBS_VALUE", "1e999", "not a finite number"),
    ("OBS_VALUE", "8_000", "is not a number"),
    ("OBS_VALUE", "-5", "cannot be negative"),
    ("OBS_VALUE", "9e9", "not a plausible"),
    ("TIME_PERIOD", "2020-Q1", "is not a year"),
    ("TIME_PERIOD", "20201", "is not a year"),
    ("UNIT_MULT", "", "UNIT_MULT is mandatory"),
])
def test_a_bad_cell_is_refused_with_its_row_column_and_reason(observations, column, value, message):
    bad = csv_with(sdmx_csv(observations), 3, column, value)
    accepted, errors, _ = _checked(parse_sdmx_csv(bad))
    assert [(e["row"], e["column"]) for e in errors] == [(3, column)]
    assert message in errors[0]["message"]


def test_a_key_given_twice_is_refused_on_the_later_row(observations):
    data = csv_with_row_repeated(sdmx_csv(observations), 2)
    _, errors, _ = _checked(parse_sdmx_csv(data))
    assert errors == [{"row": 5, "column": "TIME_PERIOD",
                       "message": "the key A.NPL.WLD._T.INFLOW 2019 is already given in row 2"}]


def test_a_column_the_structure_does_not_have_is_refused(observations):
    data = sdmx_csv(observations).replace(b"UNIT_MULT", b"UNIT_MULTIPLIER", 1)
    _, errors, _ = _checked(parse_sdmx_csv(data))
    assert {"row": 1, "column": "UNIT_MULTIPLIER",
            "message": "UNIT_MULTIPLIER is not a component of NATIONAL_REMITTANCES"} in errors


def test_another_dataflow_or_an_unknown_action_cannot_be_read(observations):
    data = sdmx_csv(observations)
    with pytest.raises(UnreadableFile, match="takes OBSERVATORY:NATIONAL_REMITTANCES"):
        parse_sdmx_csv(data.replace(b"DSD_NATIONAL_REMITTANCES", b"DSD_FLOWS"))
    with pytest.raises(UnreadableFile, match="ACTION must be I, R or D"):
        parse_sdmx_csv(csv_with(data, 2, "ACTION", "X"))
    with pytest.raises(UnreadableFile, match="not SDMX-CSV 1.0"):
        parse_sdmx_csv(data, "1.0")


def test_ml_with_a_dtd_external_entity_or_billion_laughs_is_refused_before_parsing(observations):
    real = sdmx_ml(observations)
    head, rest = real.split(b"?>", 1)
    xxe = head + b'?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + rest.replace(b'"WLD"', b'"&x;"', 1)
    laughs = head + b'?><!DOCTYPE m [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + rest
    for hostile in (xxe, laughs):
        with pytest.raises(UnreadableFile, match="DTD or entities"):
            parse_sdmx_ml(hostile)
    utf16 = xxe.decode("utf-8").replace("utf-8", "utf-16").encode("utf-16")  # the DTD hidden from a byte scan
    with pytest.raises(UnreadableFile, match="UTF-8"):
        parse_sdmx_ml(utf16)


def test_ml_nested_too_deeply_or_not_well_formed_or_of_another_structure_is_refused(observations):
    real = sdmx_ml(observations)
    deep = real.replace(b"</mes:Header>", b"</mes:Header>" + b"<x>" * 50 + b"</x>" * 50, 1)
    with pytest.raises(UnreadableFile, match="nested deeper"):
        parse_sdmx_ml(deep)
    with pytest.raises(UnreadableFile, match="not well formed"):
        parse_sdmx_ml(real[: len(real) // 2])
    with pytest.raises(UnreadableFile, match="does not name the structure"):
        parse_sdmx_ml(real.replace(b"NATIONAL_REMITTANCES", b"FLOWS"))


def test_ml_row_errors_count_obs_elements(observations):
    bad = sdmx_ml(observations).replace(b'TIME_PERIOD="2020"', b'TIME_PERIOD="2020-13"')
    _, errors, _ = _checked(parse_sdmx_ml(bad))
    assert [(e["row"], e["column"]) for e in errors] == [(2, "TIME_PERIOD")]


def test_a_file_over_the_observation_limit_is_refused(observations, monkeypatch):
    monkeypatch.setattr(sdmx_records, "MAX_OBSERVATIONS", 2)
    with pytest.raises(LimitExceeded):
        parse_sdmx_csv(sdmx_csv(observations))


def test_the_template_is_made_from_the_structure_and_reads_back(observations):
    book = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    assert [c.value for c in book["data"][1]] == template_columns()
    assert {c.value for c in book["CL_CHANNEL"]["A"][1:]} == codelists()["CL_CHANNEL"].ids
    sheet = book["data"]
    for observation in observations:
        sheet.append([observation.get(column, "") for column in template_columns()])
    out = io.BytesIO()
    book.save(out)
    accepted, errors, _ = _checked(parse_sdmx_xlsx(out.getvalue()))
    assert errors == []
    assert [o["value"] for o in accepted] == [o["OBS_VALUE"] for o in observations]


def test_a_workbook_that_is_not_the_template_cannot_be_read():
    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(UnreadableFile, match="no sheet 'data'"):
        parse_sdmx_xlsx(out.getvalue())
    with pytest.raises(UnreadableFile, match="not an xlsx"):
        parse_sdmx_xlsx(b"PK not really")


def test_the_parsers_validation_and_publication_decisions_load_no_store_library():
    import subprocess
    import sys

    modules = ("services.ingest.national_validation", "services.ingest.national_publication",
               "services.ingest.parsers.sdmx_csv", "services.ingest.parsers.sdmx_ml", "services.ingest.parsers.sdmx_xlsx",
               "gateway.national", "gateway.changes")
    code = f"import sys\nimport {', '.join(modules)}\nprint(sorted(m for m in ('mongomock', 'mongoengine', 'pymongo') if m in sys.modules))"
    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                          check=True).stdout.strip() == "[]"
