"""Published views answered from the read model: the bytes kept for a key,
or computed by the view's recipe and kept."""
from collections import namedtuple

from gateway.http import JSON, cached_response
from gateway.readmodel import CACHE_CONTROL

# What a recipe computes a view from: the RPC proxies of the worker that runs
# it (a request's, or the event handler's that rebuilds the views later).
Sources = namedtuple("Sources", "ingest catalog")


class Views:
    def __init__(self, reads, sources):
        self.reads = reads
        self.sources = sources

    def respond(self, request, key, recipe, mimetype=JSON, headers=None):
        """The view ``key`` (304 when the client holds it already)."""
        body, etag, _ = self.reads.read(key, recipe, self.sources)
        return cached_response(request, body, etag, CACHE_CONTROL, mimetype, headers)
