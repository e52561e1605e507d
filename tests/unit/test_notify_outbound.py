"""Webhook delivery against receivers that misbehave: one that hangs, one
that trickles its answer, one that redirects, one that answers 50 MB. The
address checks and TLS to the pinned address: test_notify_addresses.py."""
import dataclasses
import datetime as dt
import logging
import select
import threading
import time
import tracemalloc

import pytest

from services.notify import alerts, delivery
from services.notify.inflight import InFlight
from tests.conftest import wait_for
from tests.notify_helpers import Receiver
from tests.unit.notify_common import (FAST, ONE_TRY, SAU_NPL, corridor_event, only_delivery, receiver,  # noqa: F401
                                      store, subscribe)


@pytest.fixture
def second_receiver():
    other = Receiver()
    yield other
    other.close()



def test_a_hanging_receiver_delays_only_the_deliveries_to_it(store, receiver, second_receiver):
    receiver.hold = threading.Event()  # answers only when the test says
    hanging = subscribe(store, receiver, corridors=SAU_NPL)
    healthy = subscribe(store, second_receiver, corridors=SAU_NPL)
    fresh = []
    alerts.apply_event(store, corridor_event(5.2, 4.9), fresh)
    # the hanging one first in line, where it used to hold up the other
    store.deliveries.update_one({"subscription_id": hanging["id"]},
                                          {"$set": {"next_attempt_at": dt.datetime(2020, 1, 1)}})
    sending = threading.Thread(target=delivery.deliver_now,
                               args=(store, "w1", dataclasses.replace(FAST, timeout_seconds=30), fresh))
    sending.start()
    try:
        wait_for(lambda: second_receiver.received, timeout=1, interval=0.01, what="the healthy receiver's webhook")
        assert len(receiver.received) == 1 and not receiver.hold.is_set()  # while the other still hangs
        wait_for(lambda: only_delivery(store, healthy)["status"] == "delivered", timeout=1, interval=0.01,
                 what="the healthy delivery to be recorded")
        assert only_delivery(store, hanging)["status"] == "sending"
    finally:
        receiver.hold.set()
        sending.join()
    assert only_delivery(store, hanging)["status"] == "delivered"


def test_attempts_in_flight_are_bounded_and_the_rest_wait_their_turn(store, receiver):
    receiver.hold = threading.Event()
    for corridor in ("SAU-NPL", "ARE-NPL", "USA-NPL"):
        source, destination = corridor.split("-")
        subscribe(store, receiver, corridors=[{"source": source, "destination": destination}])
        alerts.apply_event(store, corridor_event(5.2, 4.9, source=source, destination=destination))
    in_flight = InFlight(2)
    assert delivery.start_due(store, "w1", FAST, in_flight) == 2  # returns at once: nothing waits for the receiver
    assert delivery.start_due(store, "w1", FAST, in_flight) == 0  # no free slot: the third stays due
    statuses = sorted(d["status"] for d in store.deliveries.find())
    assert statuses == ["pending", "sending", "sending"]
    receiver.hold.set()
    in_flight.wait_idle()
    assert delivery.start_due(store, "w1", FAST, in_flight) == 1
    in_flight.wait_idle()
    assert {d["status"] for d in store.deliveries.find()} == {"delivered"}
    assert len(receiver.received) == 3


def test_attempts_started_in_one_call_run_later_each_with_its_own_batch(store, receiver):
    # as in the service: the claiming loop runs on before any attempt's thread does
    for number in range(delivery.BATCH_SIZE + 2):
        subscribe(store, receiver, corridors=SAU_NPL)
    alerts.apply_event(store, corridor_event(5.2, 4.9))
    waiting = []
    in_flight = InFlight(100, spawn=waiting.append)
    assert delivery.start_due(store, "w1", FAST, in_flight) == delivery.BATCH_SIZE + 2
    for run in waiting:
        run()
    assert [d["status"] for d in store.deliveries.find()] == ["delivered"] * (delivery.BATCH_SIZE + 2)
    assert len({headers["webhook-id"] for headers, _, _ in receiver.received}) == delivery.BATCH_SIZE + 2


def trickle(handler):
    """A 200, one byte at a time, until the sender hangs up."""
    try:
        for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
            handler.wfile.write(bytes([byte]))
            readable, _, _ = select.select([handler.connection], [], [], 0.2)
            if readable and not handler.connection.recv(1):
                return  # the sender closed the connection
    except OSError:
        pass


def test_a_trickling_receiver_never_gets_the_same_webhook_id_twice_at_once(store, receiver, second_receiver):
    receiver.respond = trickle  # its whole answer would take 8 s, beyond the 1.5 s lease below
    trickled = subscribe(store, receiver, corridors=SAU_NPL)
    behind = [subscribe(store, second_receiver, corridors=SAU_NPL) for _ in range(5)]  # claimed beside it
    alerts.apply_event(store, corridor_event(5.2, 4.9))
    settings = dataclasses.replace(FAST, schedule=(0.3, 0.3), timeout_seconds=1, lease_seconds=1.5)

    def unsettled():
        return store.deliveries.count_documents({"status": {"$nin": ["delivered", "failed"]}})

    give_up = time.monotonic() + 30  # three attempts of at most 1 s each, 0.3 s apart, take about 4 s

    def instance(name):  # two notify instances, each sending what is due until nothing is left
        while unsettled() and time.monotonic() < give_up:
            delivery.deliver_due(store, name, settings)
            time.sleep(0.05)

    instances = [threading.Thread(target=instance, args=(name,)) for name in ("instance-a", "instance-b")]
    for thread in instances:
        thread.start()
    for thread in instances:
        thread.join()
    assert not unsettled(), "the deliveries never settled"
    webhook_id = only_delivery(store, trickled)["notification_id"]
    assert receiver.most_at_once == {webhook_id: 1}
    attempts = only_delivery(store, trickled)["attempts"]
    assert len(attempts) == 3 and all("deadline" in a["error"] for a in attempts)
    assert only_delivery(store, trickled)["status"] == "failed"
    sent_behind = [headers["webhook-id"] for headers, _, _ in second_receiver.received]
    assert sorted(sent_behind) == sorted(only_delivery(store, s)["notification_id"] for s in behind)  # each once
    assert all(only_delivery(store, s)["status"] == "delivered" for s in behind)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failed_attempt_and_is_not_followed(store, receiver, second_receiver, status, caplog):
    def redirect(handler):
        handler.send_response(status)
        handler.send_header("Location", second_receiver.url)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    receiver.respond = redirect
    subscribed = subscribe(store, receiver, corridors=SAU_NPL)
    alerts.apply_event(store, corridor_event(5.2, 4.9))
    with caplog.at_level(logging.WARNING, logger="services.notify.delivery"):
        delivery.deliver_due(store, "w1", ONE_TRY)
    assert len(receiver.received) == 1 and second_receiver.received == []
    logged = only_delivery(store, subscribed)
    assert logged["status"] == "retrying" and logged["attempts"][0]["status_code"] == status
    assert second_receiver.url in logged["attempts"][0]["error"] and "not followed" in logged["attempts"][0]["error"]
    assert any("not followed" in r.getMessage() for r in caplog.records)


FIFTY_MB = 50 * 1024 * 1024
CHUNK = b"x" * 65536  # made before the measurement: the receiver's writes allocate nothing


def test_a_50_mb_answer_is_not_read_into_memory(store, receiver):
    written = []

    def huge(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(FIFTY_MB))
        handler.end_headers()
        try:
            for _ in range(FIFTY_MB // len(CHUNK)):
                handler.wfile.write(CHUNK)
                written.append(len(CHUNK))
        except OSError:
            pass  # the sender read what it wanted and hung up

    receiver.respond = huge
    subscribed = subscribe(store, receiver, corridors=SAU_NPL)
    alerts.apply_event(store, corridor_event(5.2, 4.9))
    tracemalloc.start()
    try:
        delivery.deliver_due(store, "w1", ONE_TRY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert only_delivery(store, subscribed)["status"] == "delivered"
    print(f"\npeak traced memory while a 50 MB answer came in: {peak / 1e6:.2f} MB")
    assert peak < FIFTY_MB / 10
    assert sum(written) < FIFTY_MB  # the sender hung up long before the end
