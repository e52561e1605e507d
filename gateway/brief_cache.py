"""PDF briefs kept per gateway process, per release of the read model: a
PDF takes the browser seconds to print (every LDC's, most of a minute), so
it is not one of the views every release rebuilds before it is swapped in
(that would hold each release back by as long). A PDF is printed when first
asked for after a release, once however many ask at the same time, and kept
until the next release."""
import hashlib
import threading
from collections import OrderedDict

from gateway.http import cached_response
from gateway.readmodel import CACHE_CONTROL

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
