"""The gateway's read model of published figures: answers of the published
reads (corridor, history, list, indicators, country profile, exports, pages),
kept as ready-to-send bytes with their ETag, so a repeated read costs no RPC.

A view is kept with its *recipe*: ``recipe(sources)`` computes it again from
the services (``sources`` has ``ingest`` and ``catalog``, RPC proxies). Only
events change the views (``on_event``; which event announces what is decided
in ``gateway.changes``): a ``dataset.published``, a batch of catalog changes,
a provider's or a practice's own event. A change does not empty the views: it
asks for a new *release* of them, every kept view rebuilt from its recipe
into a new set while the old set is still served, swapped in whole when all
of it is ready (DESIGN §6: published reads never wait on a writer). A rebuild
that meets a service's deadline keeps the old set and is retried (the next
change, or the gateway's timer). Changes arriving during a rebuild are one
more rebuild after it, never one each. A write through the gateway waits
(``await_change``) for the release after the event it caused, so that its
writer's next read is fresh.
"""
import gc
import hashlib
import json
import logging
import threading
from collections import OrderedDict

import eventlet
from nameko.extensions import DependencyProvider

from gateway.changes import change_announced_by, dataset_answer_waits, dataset_change
from observatory.clock import utcnow
from observatory.errors import ObservatoryError, ServiceUnavailable

log = logging.getLogger(__name__)

MAX_ENTRIES = 4096
REBUILT_ENTRIES = 1024  # the most recently read views are rebuilt; the rest are dropped at the swap
REBUILD_CONCURRENCY = 4  # views computed at once while rebuilding (each is one or two RPCs)
# A service busy with a publication can miss one deadline mid-rebuild: the views not yet rebuilt are
# asked again after a pause (the ones done are kept), before the release is left to the timer.
REBUILD_ATTEMPTS = 3
REBUILD_PAUSE_SECONDS = 1.0
REMEMBERED_CHANGES = 1000
WAIT_FOR_EVENT_SECONDS = 10  # a write's event comes within milliseconds (the services send it before answering)
WAIT_FOR_RELEASE_SECONDS = 60  # an operator's request waits this long at most for its change to be served
CACHE_CONTROL = "public, max-age=300"  # quarterly data; a release replaces the views at once, clients revalidate


class Incomplete(Exception):
    """Raised by a recipe whose answer lacks a part (a service did not
    answer): the answer is served, but not kept."""

    def __init__(self, payload):
        super().__init__("incomplete answer")
        self.payload = payload


def encode(payload):
    """(body, ETag) of a JSON-able answer, or of ready bytes (an export)."""
    body = payload if isinstance(payload, bytes) else json.dumps(
        payload, default=str, separators=(",", ":"), allow_nan=False).encode()  # never Infinity/NaN: not JSON
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _rebuilt(key, recipe, sources):
    """(key, recipe, (body, etag) or None, what was missing or None): a view
    computed again. An answer that is an error now (a corridor gone) is None:
    the view is dropped, and asked again when read."""
    try:
        return key, recipe, encode(recipe(sources)), None
    except (ServiceUnavailable, Incomplete) as missing:
        return key, recipe, None, missing
    except ObservatoryError:
        return key, recipe, None, None
    except Exception:  # a fault in one view must not hold every other one back
        log.exception("read model: %s could not be rebuilt; dropped, computed again when read", key)
        return key, recipe, None, None


class PublishedReads:
    """One per gateway process, shared by its workers.

    ``wanted`` counts the changes announced; ``served`` is the change the
    served views were built after. They differ while a release is pending.
    ``changes`` maps the key of each change announced (``gateway.changes``)
    to its number, for the writes and polls that wait for it.
    """

    def __init__(self, max_entries=MAX_ENTRIES, rebuilt_entries=REBUILT_ENTRIES, started_at=None,
                 rebuild_attempts=REBUILD_ATTEMPTS, rebuild_pause=REBUILD_PAUSE_SECONDS):
        self.max_entries = max_entries
        self.rebuild_attempts, self.rebuild_pause = rebuild_attempts, rebuild_pause
        self.rebuilt_entries = rebuilt_entries
        self.started_at = started_at or utcnow()
        self.entries = OrderedDict()  # key -> (body, etag, recipe); least recently read first
        self.wanted = self.served = 0
        self.tried = 0  # the change the last finished rebuild aimed at (served, or not: a service was late)
        self.releases = 0  # how many times the views were replaced
        self.building = None  # (target, OrderedDict) while a rebuild runs
        self.changes = OrderedDict()  # key of a change -> its number
        self.waited_out = OrderedDict()  # datasets whose event did not come in time: not waited for again
        self.lock = threading.Lock()  # eventlet-patched: cheap, and safe if ever used from real threads
        self.replaced = threading.Condition(self.lock)

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            self.entries.move_to_end(key)
            return entry[0], entry[1]

    def read(self, key, recipe, sources):
        """(body, etag, hit) for ``key``: kept, or ``recipe(sources)`` and kept
        (an ``Incomplete`` answer: served with etag None, not kept)."""
        cached = self.get(key)
        if cached:
            return (*cached, True)
        asked = self.wanted  # a change announced meanwhile makes the answer stale at once
        try:
            body, etag = encode(recipe(sources))
        except Incomplete as incomplete:
            return encode(incomplete.payload)[0], None, False  # no ETag: nothing to revalidate against
        with self.lock:
            if self.wanted == asked:
                _keep(self.entries, key, (body, etag, recipe), self.max_entries)
                if self.building and self.building[0] == asked:  # asked after the change: good for the new set
                    _keep(self.building[1], key, (body, etag, recipe), self.max_entries)
        return body, etag, False

    # -- changes: announced by events only ------------------------------------
    def on_event(self, event_type, data, sources):
        """An event of a service: the views are rebuilt after the change it
        announces, if any (this call does not wait for the rebuild)."""
        change = change_announced_by(event_type, data)
        if change is not None:
            self.replace(sources, change[0], wait=False, once=change[1])

    def announce(self, key=None, once=False):
        """A change happened: the views are to be rebuilt. Returns its number
        (``once``: the one that announced ``key`` before, if any)."""
        with self.lock:
            if once and key in self.changes:
                return self.changes[key]
            self.wanted += 1
            if key is not None:
                self.changes[key] = self.wanted
                self.changes.move_to_end(key)
                while len(self.changes) > REMEMBERED_CHANGES:
                    self.changes.popitem(last=False)
            self.replaced.notify_all()  # writers waiting for this key
            return self.wanted

    def replace(self, sources, key=None, wait=True, once=False):
        """Announce a change and have the views rebuilt after it. Returns True
        when views built after it are served; False when a rebuild could not
        finish (the old views stay) or, with ``wait``, it took too long."""
        return self.catch_up(sources, self.announce(key, once), wait)

    def catch_up(self, sources, change=None, wait=True):
        """Rebuild until the served views are built after ``change`` (default:
        every change announced). One worker rebuilds; others wait for it
        (``wait``) or leave it to it."""
        with self.lock:
            change = self.wanted if change is None else change
            if self.building is not None:
                if wait:
                    self.replaced.wait_for(lambda: self.served >= change or self.building is None,
                                           WAIT_FOR_RELEASE_SECONDS)
                return self.served >= change
            if self.served >= change:
                return True
            self.building = (self.wanted, OrderedDict())
        try:
            failed = 0
            while True:
                if not self._rebuild_once(sources):
                    failed += 1
                    if failed >= self.rebuild_attempts:
                        break
                    eventlet.sleep(self.rebuild_pause * failed)  # then the views not rebuilt yet, again
                    continue
                failed = 0
                with self.lock:
                    if self.served >= self.wanted:
                        break
                    self.building = (self.wanted, OrderedDict())
        finally:
            with self.lock:
                self.tried = max(self.tried, self.building[0])
                self.building = None
                self.replaced.notify_all()
        return self.served >= change

    def _rebuild_once(self, sources):
        """Compute every kept view again into ``self.building``; swap it in
        whole. False (nothing swapped) when a service did not answer."""
        with self.lock:
            target, fresh = self.building
            hottest = list(self.entries.items())[-self.rebuilt_entries:]
        todo = [(key, recipe) for key, (_, _, recipe) in reversed(hottest) if key not in fresh]  # hottest first
        pool = eventlet.GreenPool(REBUILD_CONCURRENCY)
        for key, recipe, encoded, missing in pool.imap(lambda item: _rebuilt(*item, sources), todo):
            if missing is not None:
                log.warning("read model: release %d waits, %s could not be rebuilt (%s); the last one is served",
                            target, key, getattr(missing, "message", missing))
                return False
            if encoded is not None and key not in fresh:  # not read (and kept) after the change meanwhile
                with self.lock:
                    fresh[key] = (*encoded, recipe)
                    fresh.move_to_end(key, last=False)  # rebuilt hottest first: keep the reading order
        with self.lock:
            self.entries, self.served = fresh, max(self.served, target)
            self.releases += 1
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
        return True

    def behind(self):
        return self.served < self.wanted

    # -- waiting for a change (read-your-write) --------------------------------
    def changes_announced(self):
        """The number of the last change announced: a write takes it before
        it is made, then waits (``await_change``) for the change it causes."""
        with self.lock:
            return self.wanted

    def await_change(self, key, since=0, timeout=WAIT_FOR_EVENT_SECONDS):
        """Wait until a change to ``key`` announced after change ``since`` is
        served. True when it is; False when no such change was announced
        within ``timeout``, or its release could not be built in time (the
        old views are still served; the timer tries the release again)."""
        with self.lock:
            if not self.replaced.wait_for(lambda: self.changes.get(key, 0) > since, timeout):
                return False
            change = self.changes[key]
            self.replaced.wait_for(lambda: self.served >= change or (self.building is None and self.tried >= change),
                                   WAIT_FOR_RELEASE_SECONDS)
            return self.served >= change

    def await_dataset(self, answer, timeout=WAIT_FOR_EVENT_SECONDS):
        """A dataset answer passing through (an operator polling an import):
        one showing it completed is answered once the views built after its
        ``dataset.published`` are served, so the read after it is fresh."""
        key = dataset_change(answer.get("id"))
        with self.lock:
            announced = key in self.changes
            if key in self.waited_out and not announced:
                return
        if dataset_answer_waits(answer, announced, self.started_at):
            if not self.await_change(key, 0, timeout) and key not in self.changes:
                with self.lock:  # its event did not come (sent before this process started?): not waited for again
                    self.waited_out[key] = True
                    while len(self.waited_out) > REMEMBERED_CHANGES:
                        self.waited_out.popitem(last=False)


def _keep(entries, key, entry, max_entries):
    entries[key] = entry
    entries.move_to_end(key)
    while len(entries) > max_entries:
        entries.popitem(last=False)


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
