"""The gateway's read model of published figures: answers of ingest's
published reads (corridor, history, list, indicators, country profile), kept
as ready-to-send JSON bytes with their ETag, so a repeated read costs no RPC.

Invalidation: every ``dataset.published`` event from ingest (each gateway
instance has a broadcast queue of its own), an operator's publish through this
gateway, and a dataset answer that shows a newly completed dataset (so that the
read right after an import was seen to complete is fresh even if the event is
still on its way). An answer is stored with the generation it was asked in:
one computed across an invalidation is never served as current.
"""
import gc
import hashlib
import json
import threading
from collections import OrderedDict

from nameko.extensions import DependencyProvider

MAX_ENTRIES = 4096
REMEMBERED_DATASETS = 1000
CACHE_CONTROL = "public, max-age=300"  # quarterly data; an import invalidates at once, clients revalidate by ETag


class Incomplete(Exception):
    """Raised by a ``compute`` whose answer lacks a part (a service did not
    answer): the answer is served, but not kept."""

    def __init__(self, payload):
        super().__init__("incomplete answer")
        self.payload = payload


def encode(payload):
    """(body, ETag) of a JSON-able answer, or of ready bytes (an export)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload, default=str, separators=(",", ":")).encode()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class PublishedReads:
    """One per gateway process, shared by its workers."""

    def __init__(self, max_entries=MAX_ENTRIES):
        self.max_entries = max_entries
        self.generation = 0
        self.entries = OrderedDict()  # key -> (generation, body, etag)
        self.completed_datasets = OrderedDict()
        self.lock = threading.Lock()  # eventlet-patched: cheap, and safe if ever used from real threads

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[0] != self.generation:
                return None
            self.entries.move_to_end(key)
            return entry[1], entry[2]

    def read(self, key, compute):
        """(body, etag, hit) for ``key``: cached, or ``compute()`` and kept
        (an ``Incomplete`` answer: served with etag None, not kept)."""
        cached = self.get(key)
        if cached:
            return (*cached, True)
        generation = self.generation  # asked now: an invalidation meanwhile makes the answer stale at once
        try:
            body, etag = encode(compute())
        except Incomplete as incomplete:
            return encode(incomplete.payload)[0], None, False  # no ETag: nothing to revalidate against
        with self.lock:
            self.entries[key] = (generation, body, etag)
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
        return body, etag, False

    def invalidate(self, dataset_id=None):
        with self.lock:
            self.generation += 1
            self.entries.clear()
            if dataset_id:
                self._remember(dataset_id)

    def saw_dataset(self, answer):
        """A dataset answer passing through: a dataset seen completed for the
        first time means published figures may have changed."""
        if answer.get("status") != "completed" or not answer.get("id"):
            return
        with self.lock:
            if answer["id"] in self.completed_datasets:
                return
        self.invalidate(answer["id"])

    def _remember(self, dataset_id):
        self.completed_datasets[dataset_id] = True
        while len(self.completed_datasets) > REMEMBERED_DATASETS:
            self.completed_datasets.popitem(last=False)


class ReadModel(DependencyProvider):
    def setup(self):
        self.reads = PublishedReads()

    def start(self):
        # The code and schemas loaded by now live as long as the process:
        # moved out of the collector's generations, a full collection on the
        # request path no longer walks them (cuts the gateway's p99 spikes).
        gc.freeze()

    def get_dependency(self, worker_ctx):
        return self.reads
