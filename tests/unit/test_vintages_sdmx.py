"""SDMX time travel over ingest's figure_changes (a stand-in that pages its
answer as ingest does): the query's key is pushed down and selects, every page is pinned to the
first page's time, and the writers carry each observation's action."""
import json
from types import SimpleNamespace

from gateway.sdmx import history
from gateway.sdmx.data_csv import csv_v2
from gateway.sdmx.data_json import json_data
from gateway.sdmx.data_ml import structure_specific_data
from gateway.sdmx.query import data_query_30

T1, T2 = "2026-12-02T11:30:00.123Z", "2026-12-02T11:31:00.456Z"


def observation(source, destination, amount, action, value=None, valid_from=T2):
    found = {"FREQ": "Q", "SOURCE_AREA": source, "DEST_AREA": destination, "SERIES": "OBSERVED", "AMOUNT": amount,
             "TIME_PERIOD": "2011-Q1", "ACTION": action, "validFrom": valid_from, "validTo": None}
    return {**found, "OBS_VALUE": value} if value is not None else found


class Ingest:
    def __init__(self, items, page=2):
        self.items, self.page, self.calls = items, page, []

    def figure_changes(self, flow_id, updated_after=None, include_history=False, as_of=None, cursor=None, limit=500,
                       dimensions=None):
        self.calls.append({"flow_id": flow_id, "updated_after": updated_after, "as_of": as_of, "cursor": cursor,
                           "dimensions": dimensions})
        start = int(cursor or 0)
        end = start + self.page
        return {"flow": flow_id, "as_of": as_of or T2, "items": self.items[start:end],
                "next_cursor": str(end) if end < len(self.items) else None}


def test_updated_after_pages_through_ingest_at_one_time_and_keeps_the_key():
    items = [observation("ARE", "EGY", "USD200", "R", 4.1), observation("ARE", "EGY", "USD500", "D"),
             observation("AUS", "FJI", "USD200", "D"), observation("AUS", "FJI", "USD500", "R", 2.0)]
    ingest = Ingest(items)
    query = data_query_30("dataflow", "OBSERVATORY", "RPW_CORRIDOR_COST", "1.0", "Q.ARE.*.*.*",
                          {"updatedAfter": T1})
    assert history.wants_history(query)
    found = list(history.observations(query, SimpleNamespace(ingest=ingest)))
    assert found == items[:2]
    assert [c["updated_after"] for c in ingest.calls] == [T1, T1]
    assert [c["as_of"] for c in ingest.calls] == [None, T2]  # the second page: the first page's vintage
    # the key's named dimensions are selected by ingest's store query (the stand-in returns more: selects checks)
    assert [c["dimensions"] for c in ingest.calls] == [{"FREQ": ["Q"], "SOURCE_AREA": ["ARE"]}] * 2


def test_the_writers_carry_replace_and_delete():
    items = [observation("ARE", "EGY", "USD200", "R", 4.1), observation("ARE", "EGY", "USD500", "D")]
    query = data_query_30("dataflow", "OBSERVATORY", "RPW_CORRIDOR_COST", "1.0", "*", {"updatedAfter": T1})
    text = b"".join(csv_v2(query.flow, query.dsd, items)).decode()
    lines = text.splitlines()
    assert lines[1].split(",")[2] == "R" and lines[2].split(",")[2] == "D" and ",4.1," in lines[1]
    xml = b"".join(structure_specific_data(query.flow, query.dsd, items, datasets=history.datasets(items))).decode()
    assert xml.count("<mes:DataSet") == 2
    assert f'action="Replace" validFromDate="{T2}"' in xml and f'action="Delete" validFromDate="{T2}"' in xml
    delete = xml.split('action="Delete"')[1]
    assert "OBS_VALUE" not in delete and 'AMOUNT="USD500"' in delete
    plain = b"".join(structure_specific_data(query.flow, query.dsd, items)).decode()
    assert plain.count("<mes:DataSet") == 1 and 'action="Information"' in plain
    message = json.loads(b"".join(json_data(query.flow, query.dsd, items, datasets=history.datasets(items))))
    assert [(d["action"], d["validFrom"], len(d["series"])) for d in message["dataSets"]] == [
        ("Replace", T2, 1), ("Delete", T2, 1)]
    deleted = next(iter(message["dataSets"][1]["series"].values()))["observations"]
    assert [v[0] for v in deleted.values()] == [None]  # a delete carries its key, no value
