"""The gateway's parts of national submissions, without a broker: which
parser a Content-Type names, the upcoming embargoed releases on the release
calendar (a time, never a figure), and the NATIONAL_REMITTANCES SDMX source
paging through ingest's answers with the key pushed down."""
import datetime as dt

import pytest
from icalendar import Calendar

from gateway import exports
from gateway.exceptions import UnsupportedMediaType
from gateway.national import change_announced, with_upcoming_releases
from gateway.resources.submissions import submission_format
from gateway.sdmx import national
from gateway.sdmx.query import DataQuery
from observatory.sdmx.structures import DATAFLOWS, structure_of
from services.ingest.national_reads import sdmx_observation
from tests.national_files import rows


@pytest.mark.parametrize("content_type,expected", [
    ("application/vnd.sdmx.data+csv;version=2.0.0", "sdmx-csv-2.0"),
    ("application/vnd.sdmx.data+csv; version=1.0.0", "sdmx-csv-1.0"),
    ("Application/VND.sdmx.data+csv", "sdmx-csv"),
    ("application/vnd.sdmx.structurespecificdata+xml;version=2.1", "sdmx-ml-2.1"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
])
def test_the_content_type_names_the_parser(content_type, expected):
    assert submission_format(content_type) == expected


@pytest.mark.parametrize("content_type", ["", "application/pdf", "application/vnd.sdmx.data+csv;version=9.9"])
def test_another_content_type_is_415(content_type):
    with pytest.raises(UnsupportedMediaType):
        submission_format(content_type)


def test_an_upcoming_release_is_on_the_calendar_with_its_time_and_no_figure():
    at = dt.datetime(2027, 1, 15, 9, 0, tzinfo=dt.timezone.utc)
    upcoming = [{"submission_id": "0123456789abcdef", "country": "NPL", "reporter_id": "nrb",
                 "reporter_name": "Nepal Rastra Bank", "release_at": at.isoformat(), "periods": ["2022", "2023"]}]
    ics = with_upcoming_releases(exports.releases_ics([], "http://x"), upcoming, "http://x")
    events = [c for c in Calendar.from_ical(ics).walk() if c.name == "VEVENT"]
    assert [(str(e["uid"]), e.decoded("dtstart")) for e in events] == [
        ("national-0123456789abcdef@remittances-observatory", at)]
    assert "Nepal Rastra Bank" in str(events[0]["summary"]) and "2022 to 2023" in str(events[0]["description"])


def test_national_events_announce_their_submission():
    assert change_announced("national.published", {"submission_id": "ab"}) == (("national", "ab"), False)
    assert change_announced("dataset.published", {}) is None


class FakeIngest:
    def __init__(self, observations, page):
        self.observations, self.page, self.calls = observations, page, []

    def national_observations(self, params):
        self.calls.append(params)
        start = int(params.get("cursor") or 0)
        end = start + self.page
        return {"items": self.observations[start:end], "next_cursor": str(end) if end < len(self.observations) else None}


def test_the_sdmx_source_pages_through_ingest_with_the_key_pushed_down():
    docs = [{"dims": {k: r[k] for k in ("FREQ", "REF_AREA", "COUNTERPART_AREA", "CHANNEL", "MEASURE")},
             "time_period": r["TIME_PERIOD"], "value": r["OBS_VALUE"],
             "attrs": {"UNIT_MEASURE": "USD", "UNIT_MULT": "6"}} for r in rows("NPL", (2018, 2019, 2020))]
    observations = [sdmx_observation(d) for d in docs]
    ingest = FakeIngest(observations, page=2)
    dsd = structure_of("NATIONAL_REMITTANCES")
    query = DataQuery(DATAFLOWS["NATIONAL_REMITTANCES"], dsd, (None, frozenset({"NPL"}), None, None, None))
    found = list(query.answer(national.observations(type("S", (), {"ingest": ingest})(), query)))
    assert [o["TIME_PERIOD"] for o in found] == ["2018", "2019", "2020"]
    assert [c.get("country") for c in ingest.calls] == [["NPL"], ["NPL"]]
    assert found[0]["OBS_VALUE"] == rows("NPL", (2018,))[0]["OBS_VALUE"]


def test_a_national_release_finds_the_subscriptions_to_its_country_and_to_ldcs():
    from services.notify.matching import candidate_query, notices, subscription_keys

    data = {"submission_id": "0123456789abcdef", "reporter_id": "nrb", "country": "NPL", "periods": ["2022"],
            "observations": 1, "revised": 0, "deleted": 0, "embargo_until": None, "published_at": "2027-01-01T00:00:00"}
    types, keys = candidate_query("national.published", data)
    assert types == ("national.published",)
    nepal = {"event_types": ["national.published"], "countries": [{"country": "NPL", "role": "receiver"}]}
    ldcs = {"event_types": ["national.published"], "ldc_destinations": True}
    india = {"event_types": ["national.published"], "countries": [{"country": "IND"}]}
    assert set(subscription_keys(nepal)) <= set(keys) and set(subscription_keys(ldcs)) <= set(keys)
    assert not set(subscription_keys(india)) & set(keys)
    assert notices(nepal, "national.published", data) == [("national.published", data)]
