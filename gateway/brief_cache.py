"""PDF briefs kept per gateway process, per release of the read model: a
PDF takes the browser seconds to print (every LDC's, most of a minute), so
it is not one of the views every release rebuilds before it is swapped in
(that would hold each release back by as long). A PDF is printed when first
asked for after a release, once however many ask at the same time, and kept
until the next release."""
import hashlib
import threading
from collections import OrderedDict

import eventlet

from gateway.http import cached_response
from gateway.readmodel import CACHE_CONTROL
from gateway.routes.table import Reply
from observatory.errors import ServiceUnavailable

MAX_KEPT = 64  # PDFs (a zip of every LDC's brief counts as one)


class PrintedCache:
    def __init__(self, max_kept=MAX_KEPT):
        self.max_kept = max_kept
        self.kept = OrderedDict()  # (key, release) -> (body, etag)
        self.lock = threading.Lock()  # eventlet-patched
        self.printing = {}  # (key, release) -> lock held while it is printed

    def get(self, key, release, make):
        """(body, ETag) of ``key`` in ``release``: kept, or ``make()`` once."""
        slot = (key, release)
        with self.lock:
            if slot in self.kept:
                self.kept.move_to_end(slot)
                return self.kept[slot]
            printing = self.printing.setdefault(slot, threading.Lock())
        with printing:
            with self.lock:
                if slot in self.kept:
                    return self.kept[slot]
            body = make()
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            with self.lock:
                self.kept[slot] = (body, etag)
                self.printing.pop(slot, None)
                for old in [k for k in self.kept if k[1] != release] + list(self.kept)[:-self.max_kept]:
                    self.kept.pop(old, None)
            return body, etag


PRINTED = PrintedCache()


def respond(request, reads, key, make, mimetype, headers):
    """A printed answer for the release ``reads`` serves now, with its ETag."""
    body, etag = PRINTED.get(key, reads.served, make)
    return cached_response(request, body, etag, CACHE_CONTROL, mimetype, headers)


class BackgroundPrints:
    """Work too long for one request (every LDC's brief): started by the first
    request of a release, printed in the background, its progress answered
    meanwhile; the result kept until the next release."""

    def __init__(self):
        self.jobs = {}  # (key, release) -> {"done", "total", "result", "error"}
        self.lock = threading.Lock()

    def state(self, key, release, make):
        """The job of ``key`` in ``release`` (started now when there is none);
        ``make(progress)`` returns the bytes and counts ``progress["done"]``."""
        slot = (key, release)
        with self.lock:
            for old in [k for k in self.jobs if k[0] == key and k[1] != release]:
                self.jobs.pop(old)
            job = self.jobs.get(slot)
            if job is None or job.get("error"):
                job = self.jobs[slot] = {"done": 0, "total": None, "result": None, "error": None}
                eventlet.spawn_n(self._run, job, make)
            return dict(job)

    @staticmethod
    def _run(job, make):
        try:
            body = make(job)
            job["result"] = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        except Exception as exc:  # reported to the next request, which starts it again
            job["error"] = {"error": type(exc).__name__, "message": str(exc)[:300]}


BACKGROUND = BackgroundPrints()
RETRY_AFTER_SECONDS = 5


def respond_when_printed(request, reads, key, make, mimetype, headers):
    """200 with the bytes once printed; 202 with the progress before (``Retry-After``)."""
    job = BACKGROUND.state(key, reads.served, make)
    if job["result"] is not None:
        body, etag = job["result"]
        return cached_response(request, body, etag, CACHE_CONTROL, mimetype, headers)
    if job["error"]:
        raise ServiceUnavailable("printing the briefs failed; asking again starts it again", job["error"])
    return Reply({"status": "printing", "briefs_done": job["done"], "briefs_total": job["total"],
                  "retry_after_seconds": RETRY_AFTER_SECONDS}, 202, {"Retry-After": str(RETRY_AFTER_SECONDS)})
