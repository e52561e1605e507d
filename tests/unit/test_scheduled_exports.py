"""Scheduled exports in notify (issue 21), on the in-process store: a due
export is claimed by one worker, its corridor set's rows kept from the
gateway's export of the real figures, delivered once per run with a stable
webhook-id, retried after a failure, and next due on its cadence."""
import datetime as dt

import pytest

from gateway.exports import corridors_csv
from observatory.contracts.scheduled_exports import ScheduledExportCreateSchema, ScheduledExportEditSchema
from observatory.errors import InvalidInput, NotFound, validated
from services.notify import scheduled_exports, subscriptions
from services.notify.scheduled_exports import ExportFailed
from tests.unit.notify_common import FAST, LOCAL, receiver, store  # noqa: F401 (fixtures)
from tests.unit.notify_events import observed_series

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


def real_items():
    """The corridors of the real file's 2014Q1 as the gateway's corridor list answers them (observed series)."""
    return [{"source": s, "destination": d, "period": "2014Q1", "average_total_cost_pct": series[-1][1],
             "average_source": "observed", "quotes_transparent": series[-1][2]}
            for (s, d), series in sorted(observed_series().items()) if series[-1][0] == "2014Q1"]


def request(**changes):
    wanted = {"name": "gulf", "cadence": "weekly",
              "content": {"dataflow": "corridors", "corridors": ["ARE-NPL", "SAU-NPL"]},
              "channel": {"type": "email", "email": "stats@nrb.example.org"}, **changes}
    return validated(ScheduledExportCreateSchema(), wanted)


@pytest.fixture
def member(store):
    subscriptions.create_subscriber(store, {"id": "nrb-nepal", "name": "Nepal Rastra Bank", "country": "NPL"})
    return "nrb-nepal"


def test_the_request_names_what_it_exports_and_how_it_is_delivered():
    with pytest.raises(InvalidInput):
        request(channel={"type": "feed"})
    with pytest.raises(InvalidInput):
        request(content={"dataflow": "flows"})  # a country's flows need the country
    with pytest.raises(InvalidInput):
        request(content={"dataflow": "indicators", "corridors": ["ARE-NPL"]})
    with pytest.raises(InvalidInput):
        request(cadence="hourly")
    assert request(content={"dataflow": "flows", "country": "NPL", "format": "sdmx-csv"})["content"]["country"] == "NPL"


def test_a_corridor_set_keeps_only_its_rows_of_the_real_export():
    items = real_items()
    text = corridors_csv(items).decode()
    chosen = sorted({f"{i['source']}-{i['destination']}" for i in items if i["destination"] == "NPL"})[:2]
    kept = scheduled_exports.only_corridors(text, {"dataflow": "corridors", "corridors": chosen})
    lines = kept.strip().splitlines()
    assert lines[0] == text.splitlines()[0] and len(lines) == 1 + len(chosen)
    assert sorted("-".join(line.split(",")[:2]) for line in lines[1:]) == chosen
    assert scheduled_exports.only_corridors(text, {"dataflow": "corridors"}) == text


def test_a_due_export_is_claimed_by_one_worker_delivered_once_and_next_due_on_its_cadence(store, member):
    created = scheduled_exports.create(store, member, request(), LOCAL, now=NOW)
    assert "secret" not in created  # an email export has none
    sent = []
    text = corridors_csv(real_items()).decode()

    def deliver(export, run_id, filename, content):
        sent.append((export["_id"], run_id, filename, content))

    claimed = store.scheduled_exports.claim_due("a", 60, NOW)
    assert claimed is not None and store.scheduled_exports.claim_due("b", 60, NOW) is None  # one holder
    run = scheduled_exports.run_one(store, claimed, lambda path, query: text, deliver, now=NOW)
    assert run["status"] == "delivered" and run["rows"] == 2
    assert sent[0][1] == scheduled_exports.run_id(created["id"], NOW) and sent[0][2] == "corridors-corridors.csv"
    (listed,) = scheduled_exports.listed(store, member)["items"]
    assert listed["runs"] == 1 and listed["next_due_at"] == (NOW + dt.timedelta(days=7)).isoformat()
    assert store.scheduled_exports.claim_due("a", 60, NOW + dt.timedelta(days=6)) is None


def test_a_failed_run_is_tried_again_with_the_same_webhook_id(store, member):
    created = scheduled_exports.create(store, member, request(), LOCAL, now=NOW)
    ids = []

    def refuse(export, run_id, filename, content):
        ids.append(run_id)
        raise ExportFailed("the receiver answered 503")

    claimed = store.scheduled_exports.claim_due("a", 60, NOW)
    assert scheduled_exports.run_one(store, claimed, lambda p, q: "source,destination\r\n", refuse)["status"] == \
        "failed"
    (listed,) = scheduled_exports.listed(store, member)["items"]
    assert listed["last_run"]["error"] == "the receiver answered 503" and listed["runs"] == 0
    assert store.scheduled_exports.claim_due("b", 60, dt.datetime.now(dt.timezone.utc)) is None  # not at once
    again = store.scheduled_exports.claim_due("b", 60, dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=6))
    assert scheduled_exports.run_one(store, again, lambda p, q: "source,destination\r\n", refuse)["status"] == "failed"
    assert ids == [scheduled_exports.run_id(created["id"], NOW)] * 2  # the same run: the same webhook-id


def test_an_export_is_its_institutions_only(store, member):
    created = scheduled_exports.create(store, member, request(), LOCAL, now=NOW)
    subscriptions.create_subscriber(store, {"id": "bsp-philippines", "name": "BSP", "country": "PHL"})
    with pytest.raises(NotFound):
        scheduled_exports.delete(store, "bsp-philippines", created["id"])
    assert scheduled_exports.listed(store, "bsp-philippines")["items"] == []
    assert scheduled_exports.delete(store, member, created["id"])["status"] == "deleted"
    assert scheduled_exports.listed(store, member)["items"] == []


def test_creating_changing_and_deleting_an_export_is_validated_scoped_and_audited(store, member):
    created = scheduled_exports.create(store, member, request(), LOCAL, now=NOW)
    (entry,) = created["audit"]
    assert (entry["action"], entry["by"], entry["fields"]) == ("created", "member:nrb-nepal",
                                                               ["cadence", "channel", "content", "name"])
    for refused in ({}, {"channel": {"type": "feed"}}, {"cadence": "hourly"}, {"content": {"dataflow": "flows"}}):
        with pytest.raises(InvalidInput):
            validated(ScheduledExportEditSchema(), refused)
    changes = validated(ScheduledExportEditSchema(), {"cadence": "daily", "name": "gulf"})  # the name is the same
    subscriptions.create_subscriber(store, {"id": "bsp-philippines", "name": "BSP", "country": "PHL"})
    with pytest.raises(NotFound):
        scheduled_exports.change(store, "bsp-philippines", created["id"], changes)
    changed = scheduled_exports.change(store, member, created["id"], changes)
    assert changed["cadence"] == "daily" and changed["audit"][-1]["fields"] == ["cadence"]
    assert scheduled_exports.change(store, member, created["id"], changes)["audit"] == changed["audit"]  # again
    operator = {"role": "operator"}
    deleted = scheduled_exports.delete(store, member, created["id"], by=operator)
    assert deleted["status"] == "deleted" and deleted["audit"][-1]["by"] == "operator"
    with pytest.raises(NotFound):
        scheduled_exports.change(store, member, created["id"], changes)  # a deleted export stays deleted
    log = store.scheduled_exports.audit_of(member)  # kept after the deletion
    assert [(e["action"], e["export_id"]) for e in log] == [(a, created["id"]) for a in ("created", "changed",
                                                                                           "deleted")]
    assert all(e["at"] for e in log) and store.scheduled_exports.audit_of("bsp-philippines") == []


def test_a_webhook_export_is_signed_and_carries_the_file(store, member, receiver):
    created = scheduled_exports.create(store, member, request(channel={"type": "webhook", "url": receiver.url}), LOCAL,
                                       now=NOW)
    receiver.secrets.append(created["secret"])
    deliver = scheduled_exports.delivery_of(FAST, send_email=None)
    claimed = store.scheduled_exports.claim_due("a", 60, NOW)
    text = corridors_csv(real_items()).decode()
    assert scheduled_exports.run_one(store, claimed, lambda p, q: text, deliver, now=NOW)["status"] == "delivered"
    (headers, body, verified), = receiver.received
    assert verified is True and headers["webhook-id"] == scheduled_exports.run_id(created["id"], NOW)
    assert body["type"] == "export.delivered" and body["data"]["content"] == scheduled_exports.only_corridors(
        text, claimed["content"])
