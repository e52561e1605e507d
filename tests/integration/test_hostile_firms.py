"""Firm names that cannot become catalog entries as written never hold back the
others (issue 17, point 4). The real quotes file, changed in two firms: one
renamed to 159 characters (its id once broke provider.registered, and the whole
firms.observed event was dead-lettered), one to 201 (over the bound: its rows are
rejected, each with the reason). Every other firm of the file reaches the catalog."""
import csv
import datetime as dt
import io
import uuid

import pytest
import requests
from nameko.standalone.events import event_dispatcher

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from tests.conftest import wait_for
from tests.ingest_files import RPW_QUOTES
from tests.live import services_on

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform]
ADMIN = "obs_firms-admin-token-0123456789abcdefghijklmnopqrstuvw"
AUTH = {"Authorization": f"Bearer {ADMIN}"}


def renamed_quotes():
    """The real file with its two longest firm names lengthened by the words of
    other real names: to 159 and 201 characters. Returns (bytes, names, long, too_long)."""
    rows = list(csv.reader(io.StringIO(RPW_QUOTES.read_text(encoding="utf-8"))))
    firm = rows[0].index("firm")
    names = sorted({r[firm] for r in rows[1:]}, key=lambda n: (-len(n), n))
    renamed = {name: _lengthened(name, names[2:], length) for name, length in ((names[0], 159), (names[1], 201))}
    for row in rows[1:]:
        row[firm] = renamed.get(row[firm], row[firm])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    long_name, too_long = renamed.values()
    assert (len(long_name), len(too_long)) == (159, 201) and long_name.strip() == long_name
    return out.getvalue().encode(), sorted({r[firm] for r in rows[1:]}), long_name, too_long


def _lengthened(name, others, length):
    """``name`` and then other real names, cut to ``length`` where no space ends it
    (the row schema folds spaces, so a trailing one would not survive)."""
    for start in range(len(others)):
        candidate = (name + " " + " ".join(others[start:]))[:length]
        if candidate == " ".join(candidate.split()):
            return candidate
    raise AssertionError("no cut without a space at its end")


@pytest.fixture(scope="module")
def imported(vhost_pipeline):
    data, names, long_name, too_long = renamed_quotes()
    with vhost_pipeline.get() as vhost, services_on(
            f"pyamqp://guest:guest@localhost:5672/{vhost}", (GatewayService, IngestService, CatalogService), ADMIN,
            MAX_UPLOAD_BYTES=16 * 1024 * 1024) as base:
        upload = requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, data=data,
                               headers=AUTH, timeout=120)
        assert upload.status_code == 202, upload.text
        dataset_id = upload.json()["id"]

        def settled():
            body = requests.get(f"{base}/api/v1/datasets/{dataset_id}", headers=AUTH, timeout=30,
                                params={"errors_limit": 1000}).json()
            return body if body["status"] in ("completed", "failed", "needs_review") else None
        dataset = wait_for(settled, timeout=120, interval=0.5, what="the import")
        yield {"base": base, "dataset": dataset, "names": names, "long": long_name, "too_long": too_long,
               "amqp_uri": f"pyamqp://guest:guest@localhost:5672/{vhost}"}


def resolved(base, name):
    answer = requests.get(f"{base}/api/v1/providers", params={"alias": name}, timeout=30)
    assert answer.status_code == 200, (name, answer.text)
    return answer.json()["items"]


def test_the_rows_of_a_firm_name_over_the_bound_are_rejected_with_the_reason(imported):
    dataset, too_long = imported["dataset"], imported["too_long"]
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        lengthened = [r for r in csv.DictReader(f)
                      if r["firm"] == too_long.split(" ")[0] or too_long.startswith(r["firm"] + " ")]
    assert dataset["status"] == "completed", dataset.get("failure")
    assert dataset["rows_rejected"] == len(lengthened) > 0
    assert dataset["rows_accepted"] == 25_516 - len(lengthened)
    assert {(e["field"], e["message"]) for e in dataset["errors"]} == {("firm", "longer than 200 characters")}


def test_every_other_firm_reaches_the_catalog_the_159_character_one_too(imported):
    base, long_name, too_long = imported["base"], imported["long"], imported["too_long"]
    wait_for(lambda: resolved(base, long_name), timeout=90, interval=0.5, what="the 159-character firm's entry")
    [entry] = resolved(base, long_name)
    assert len(entry["id"]) <= 120 and long_name in entry["aliases"]
    assert requests.get(f"{base}/api/v1/providers/{entry['id']}", timeout=30).json()["name"] == long_name
    missing = [name for name in imported["names"] if name != too_long and not resolved(base, name)]
    assert missing == []
    over = requests.get(f"{base}/api/v1/providers", params={"alias": too_long}, timeout=30)
    assert over.status_code == 400 and "alias" in over.json()["details"]["fields"]  # no entry can have it


def test_a_firm_the_catalog_cannot_take_is_parked_with_its_reason_and_replay_finds_it_again(imported):
    """firms.observed as an ingest with another bound might send it: the firm
    over 200 characters beside a real one. The valid one is applied, the other
    is listed among the dead letters with its queue and reason, and replaying
    it (nothing fixed) parks it again rather than losing it."""
    base, too_long = imported["base"], imported["too_long"]
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        first = next(csv.DictReader(f))
    corridor = {"source": first["source"], "destination": first["destination"], "first_period": "2011Q1",
                "last_period": "2011Q1"}
    firms = [{"name": too_long, "firm_types": [first["firm_type"]], "corridors": [corridor], "products": []},
             {"name": first["firm"], "firm_types": [first["firm_type"]], "corridors": [corridor], "products": []}]
    event_id = str(uuid.uuid4())
    envelope = {"event_id": event_id, "type": "firms.observed", "occurred_at": dt.datetime.now(dt.timezone.utc)
                .isoformat(), "source": "ingest", "data": {"dataset_id": imported["dataset"]["id"], "firms": firms}}
    event_dispatcher({"AMQP_URI": imported["amqp_uri"]})("ingest", "firms.observed", envelope)

    def parked():
        answer = requests.get(f"{base}/api/v1/admin/dead-letters", headers=AUTH, timeout=30).json()["items"]
        return [letter for letter in answer if letter["event_id"] == event_id]
    [letter] = wait_for(parked, timeout=60, interval=0.5, what="the firm to be parked")
    assert letter["type"] == "firms.observed" and "firms.observed" in letter["queue"] and "catalog" in letter["queue"]
    assert too_long in letter["reason"] and "200" in letter["reason"]
    assert [f["name"] for f in letter["body"]["data"]["firms"]] == [too_long]  # only the firm set aside
    assert resolved(base, first["firm"])  # the valid firm is where it was

    replay = requests.post(f"{base}/api/v1/admin/dead-letters/replay", json={"event_ids": [event_id]},
                           headers=AUTH, timeout=30)
    assert replay.status_code == 200 and replay.json()["replayed"] == 1
    wait_for(lambda: len(parked()) == 1 and parked()[0]["body"]["data"]["firms"][0]["name"] == too_long,
             timeout=60, interval=0.5, what="the replayed firm to be parked again")
