"""DECIMALS per dataflow and unit, and what a data answer does with them: the
attribute set on every observation (one the source carries kept), and
``detail=dataonly`` writing the same rounded value without it."""
from gateway.sdmx.data_csv import csv_v1
from gateway.sdmx.decimals import decimals
from gateway.sdmx.query import data_query_21

OFFICIAL = {"FREQ": "Q", "SOURCE_AREA": "ARE", "DEST_AREA": "NPL", "SERIES": "OFFICIAL", "AMOUNT": "USD200",
            "TIME_PERIOD": "2014Q1", "OBS_VALUE": 15.2349996566772, "UNIT_MEASURE": "PC"}


def test_each_kind_of_figure_has_its_places():
    assert decimals("RPW_CORRIDOR_COST", OFFICIAL) == 4
    assert decimals("RPW_PRICES", {"MEASURE": "FEE", "OBS_VALUE": 2.0408163265306123}) == 2
    assert [decimals("RPW_INDICATORS", {"INDICATOR": i}) for i in ("GLOBAL_AVG", "SHARE_BELOW_5",
                                                                   "CORRIDORS_WITHOUT_SMART")] == [4, 4, 0]
    assert [decimals("FLOWS", {"UNIT_MEASURE": u}) for u in ("USD", "PC_GDP", "PC")] == [2, 2, 4]


def test_national_figures_keep_the_places_they_were_submitted_with():
    assert decimals("NATIONAL_REMITTANCES", {"OBS_VALUE": 8256.25}) == 2
    assert decimals("NATIONAL_REMITTANCES", {"OBS_VALUE": 1200.0}) == 0
    assert decimals("NATIONAL_REMITTANCES", {"OBS_VALUE": 1 / 3}) == 6  # at most six
    assert decimals("NATIONAL_REMITTANCES", {"OBS_VALUE": 10.5, "DECIMALS": "3"}) == "3"  # the reporter's own
    assert decimals("NATIONAL_REMITTANCES", {"ACTION": "D"}) is None  # a deletion: no value to describe


def test_every_answer_sets_decimals_and_dataonly_writes_the_same_rounded_value():
    full = data_query_21("RPW_CORRIDOR_COST", "Q.ARE.NPL.OFFICIAL.USD200")
    [observation] = list(full.answer([OFFICIAL]))
    assert observation["DECIMALS"] == 4 and "DECIMALS" not in OFFICIAL  # the source's dict is not changed
    data_only = data_query_21("RPW_CORRIDOR_COST", "Q.ARE.NPL.OFFICIAL.USD200", params={"detail": "dataonly"})
    [bare] = list(data_only.answer([OFFICIAL]))
    assert "DECIMALS" not in bare and bare["OBS_VALUE"] == 15.235
    written = [b"".join(csv_v1(q.flow, q.dsd, q.answer([OFFICIAL]))).decode().splitlines()[1].split(",")[7]
               for q in (full, data_only)]
    assert written == ["15.2350", "15.235"]  # the same figure; the DECIMALS-less answer drops the trailing zero
