"""The gateway streams uploads to ingest in chunks under the 8 MB message cap."""
import base64
import hashlib
import io
import json

import pytest

from gateway.exceptions import PayloadTooLarge
from gateway.uploads import send_in_chunks
from tests.ingest_files import RPW_QUOTES

AMQP_MESSAGE_CAP = 8 * 1000 * 1000


class RecordingIngest:
    def __init__(self):
        self.messages = []

    def with_deadline(self, seconds):
        return self

    def put_chunk(self, payload):
        self.messages.append(json.dumps({"args": [payload], "kwargs": {}}))  # nameko's JSON body

    def finish_upload(self, payload):
        self.messages.append(json.dumps({"args": [payload], "kwargs": {}}))
        return {"id": "x", "status": "queued", "duplicate": False, "finish": payload}


class TrickleStream(io.BytesIO):
    """A network stream that hands out at most 64 KiB per read."""

    def read(self, size=-1):
        return super().read(min(size, 65536) if size and size > 0 else 65536)


def test_a_large_upload_travels_in_messages_under_8_mb_and_arrives_whole():
    data = RPW_QUOTES.read_bytes() * 3  # ~21 MB of real rows
    ingest = RecordingIngest()
    answer = send_in_chunks(ingest, TrickleStream(data), 128 * 2 ** 20, "rpw-quotes", "big.csv")
    sizes = [len(m.encode()) for m in ingest.messages]
    assert max(sizes) < AMQP_MESSAGE_CAP
    chunks = [json.loads(m)["args"][0] for m in ingest.messages[:-1]]
    assert b"".join(base64.b64decode(c["data"]) for c in chunks) == data
    assert [c["index"] for c in chunks] == list(range(len(chunks))) and len(chunks) >= 5
    finish = answer["finish"]
    assert finish["size"] == len(data) and finish["sha256"] == hashlib.sha256(data).hexdigest()
    assert finish["chunks"] == len(chunks)


def test_a_body_over_the_limit_is_refused_while_streaming():
    with pytest.raises(PayloadTooLarge):
        send_in_chunks(RecordingIngest(), io.BytesIO(b"x" * (5 * 2 ** 20)), 2 ** 20, "rpw-quotes")


def test_a_call_given_a_longer_deadline_also_expires_later_in_the_queue():
    from nameko.rpc import ServiceProxy

    from observatory.deadlines import _DeadlineServiceProxy

    proxy = _DeadlineServiceProxy(ServiceProxy(None, "ingest", None, expiration=2.0), "ingest", 2.0)
    longer = proxy.with_deadline(30)
    assert longer.deadline == 30 and longer._service_proxy.options["expiration"] == 30
    assert proxy._service_proxy.options["expiration"] == 2.0  # the default proxy is left as it was
