"""Webhook delivery against receivers that misbehave: one that hangs, one
that trickles its answer, one that redirects, one that answers 50 MB; and
the address checks, at creation and at every attempt (through a resolver
port, so a name can be made to resolve to any address); TLS to the pinned
address still verifying the certificate for the URL's name."""
import dataclasses
import datetime as dt
import ipaddress
import logging
import select
import ssl
import subprocess
import threading
import time
import tracemalloc

import pytest

from observatory.errors import UnsafeDestination
from services.notify import addresses, alerts, delivery, outbound_http, webhooks
from services.notify.addresses import AddressPolicy
from services.notify.inflight import InFlight
from tests.conftest import wait_for
from tests.notify_helpers import Receiver
from tests.unit.notify_common import FAST, corridor_event, receiver, store, subscribe  # noqa: F401 (fixtures)

SAU_NPL = [{"source": "SAU", "destination": "NPL"}]
ONE_TRY = dataclasses.replace(FAST, schedule=(3600,))  # a failed attempt waits: one attempt per test

# One address in each refused network; the first group stays refused with WEBHOOK_ALLOW_PRIVATE_NETWORKS=1.
ALWAYS_REFUSED = ["0.1.2.3", "100.64.0.1", "100.100.100.200", "192.0.0.8", "198.18.0.1", "240.0.0.1",
                  "255.255.255.255", "224.0.0.251", "239.255.255.250", "ff02::1", "2002:7f00:1::",
                  "64:ff9b::7f00:1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2001:0:4136:e378::1", "::"]
PRIVATE = ["10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "::1", "169.254.169.254", "fe80::1", "fc00::1",
           "fd12:3456::1"]
TEST_NAME = "hooks.receiver.test"  # .test never resolves on a real resolver: only the port's answer counts


def url_of(address, port=443):
    host = f"[{address}]" if ":" in address else address
    return f"https://{host}:{port}/hook"


@pytest.fixture
def second_receiver():
    other = Receiver()
    yield other
    other.close()


def only_delivery(store, subscription):
    return store.deliveries.find_one({"subscription_id": subscription["id"]})


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


@pytest.mark.parametrize("address", ALWAYS_REFUSED + PRIVATE)
def test_every_refused_network_is_refused_when_a_subscription_is_made(store, receiver, address):
    names = {TEST_NAME: [address]}
    with pytest.raises(UnsafeDestination) as refused:  # a name that resolves to it
        subscribe(store, receiver, AddressPolicy(resolve=lambda host, port: names[host]), url=url_of(TEST_NAME),
                  corridors=SAU_NPL)
    assert refused.value.details["addresses"] == [address]
    with pytest.raises(UnsafeDestination):  # the address itself (some the URL schema refuses before)
        webhooks.check_destination(url_of(address), AddressPolicy())
    if address in ALWAYS_REFUSED:  # not even with WEBHOOK_ALLOW_PRIVATE_NETWORKS=1
        with pytest.raises(UnsafeDestination):
            webhooks.check_destination(url_of(address), AddressPolicy(allow_private=True))
    else:
        webhooks.check_destination(url_of(address), AddressPolicy(allow_private=True))


def test_a_public_address_is_accepted():
    assert AddressPolicy().refusal("8.8.8.8") is None and AddressPolicy().refusal("2001:4860:4860::8888") is None


def name_policy(names):
    """The test receiver's 127.0.0.0/8 allowed (and nothing else private); names resolved from ``names``."""
    return AddressPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),),
                         resolve=lambda host, port: names[host])


def test_the_connection_goes_to_the_checked_address_with_the_names_host(store, receiver):
    names = {TEST_NAME: ["127.0.0.1"]}
    url = receiver.url.replace("127.0.0.1", TEST_NAME)
    subscribed = subscribe(store, receiver, name_policy(names), url=url, corridors=SAU_NPL)
    alerts.apply_event(store, corridor_event(5.2, 4.9))
    delivery.deliver_due(store, "w1", dataclasses.replace(ONE_TRY, addresses=name_policy(names)))
    assert only_delivery(store, subscribed)["status"] == "delivered"
    headers, _, verified = receiver.received[0]
    assert headers["host"] == f"{TEST_NAME}:{receiver.server.server_address[1]}" and verified


@pytest.mark.parametrize("address", ALWAYS_REFUSED + PRIVATE[:3] + PRIVATE[4:])  # 127.0.0.1: the allowed test range
@pytest.mark.parametrize("beside_the_allowed_one", [False, True])
def test_a_name_that_resolves_to_a_refused_address_at_send_time_is_not_sent_to(store, receiver, address,
                                                                               beside_the_allowed_one):
    names = {TEST_NAME: ["127.0.0.1"]}
    subscribed = subscribe(store, receiver, name_policy(names), url=receiver.url.replace("127.0.0.1", TEST_NAME),
                           corridors=SAU_NPL)  # accepted: the name resolved to the allowed test range
    names[TEST_NAME] = ["127.0.0.1", address] if beside_the_allowed_one else [address]  # then it changed
    alerts.apply_event(store, corridor_event(5.2, 4.9))
    delivery.deliver_due(store, "w1", dataclasses.replace(ONE_TRY, addresses=name_policy(names)))
    assert receiver.received == []
    attempt, = only_delivery(store, subscribed)["attempts"]
    assert attempt["error"].startswith("UnsafeDestination") and attempt["status_code"] is None
    assert only_delivery(store, subscribed)["status"] == "retrying"


def make_certificate(folder, name):
    """A throwaway CA (openssl) and a server certificate for ``name`` signed by it; (CA file, cert, key)."""
    run = lambda *args: subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)  # noqa: E731
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
        "-subj", "/CN=Observatory test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", f"/CN={name}")
    (folder / "san.ext").write_text(f"subjectAltName=DNS:{name}\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
        "-out", "server.pem", "-extfile", "san.ext")
    return folder / "ca.pem", folder / "server.pem", folder / "server.key"


@pytest.mark.parametrize("certified_name", [TEST_NAME, "elsewhere.receiver.test"])
def test_tls_to_the_pinned_address_still_checks_the_certificate_for_the_urls_name(tmp_path, certified_name):
    ca, certificate, key = make_certificate(tmp_path, certified_name)
    receiver = Receiver()
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(certificate, key)
    asked_for = []
    server_side.sni_callback = lambda sock, name, context: asked_for.append(name)
    receiver.server.socket = server_side.wrap_socket(receiver.server.socket, server_side=True)
    port = receiver.server.server_address[1]
    trusting = ssl.create_default_context(cafile=str(ca))
    target = addresses.Target("https", TEST_NAME, port, "/hook", "127.0.0.1")  # what checked_target hands over
    body = b'{"id":"msg_tls"}'
    try:
        if certified_name != TEST_NAME:
            with pytest.raises(ssl.SSLCertVerificationError):
                outbound_http.post(target, body, {"webhook-id": "msg_tls"}, 5, tls_context=trusting)
            assert receiver.received == []
            return
        answer = outbound_http.post(target, body, {"webhook-id": "msg_tls"}, 5, tls_context=trusting)
        assert answer.status_code == 200 and asked_for == [TEST_NAME]
        assert receiver.received[0][0]["host"] == f"{TEST_NAME}:{port}"
    finally:
        receiver.close()


def test_the_deadline_counts_from_before_the_lookup(store, receiver):
    names = {TEST_NAME: ["127.0.0.1"]}
    subscribed = subscribe(store, receiver, name_policy(names), url=receiver.url.replace("127.0.0.1", TEST_NAME),
                           corridors=SAU_NPL)

    def slow_resolver(host, port):  # a resolver slower than the whole attempt may take
        time.sleep(1.2)
        return names[host]

    alerts.apply_event(store, corridor_event(5.2, 4.9))
    policy = dataclasses.replace(name_policy(names), resolve=slow_resolver)
    delivery.deliver_due(store, "w1",
                         dataclasses.replace(ONE_TRY, timeout_seconds=1, lease_seconds=5, addresses=policy))
    attempt, = only_delivery(store, subscribed)["attempts"]
    assert "deadline" in attempt["error"] and receiver.received == []
