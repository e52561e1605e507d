"""The address checks, at creation and at every attempt (through a resolver
port, so a name can be made to resolve to any address); the connection to
the checked address with the URL's name; TLS to the pinned address still
verifying the certificate for the URL's name; the deadline from before the
lookup."""
import dataclasses
import ipaddress
import ssl
import subprocess
import time

import pytest

from observatory.errors import UnsafeDestination
from services.notify import addresses, alerts, delivery, outbound_http, webhooks
from services.notify.addresses import AddressPolicy
from tests.notify_helpers import Receiver
from tests.unit.notify_common import (ONE_TRY, SAU_NPL, corridor_event, only_delivery, receiver, store,  # noqa: F401
                                      subscribe)

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
