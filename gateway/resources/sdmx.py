"""The SDMX web service (REST 2.1 under /sdmx/2.1, REST 3.0 under /sdmx/3.0):
structure queries answered from the shared kernel's structures, data queries
streamed from the observation sources (gateway.sdmx.observations), each in
the format the client negotiates; ETag from the published release the
answer is built on and the request, Last-Modified the last publication."""
import datetime as dt
import functools
import hashlib
import json

from gateway.resources.releases import every_release
from gateway.sdmx import history, responses
from gateway.sdmx.errors import EMPTY_RESULT_STATUS, SdmxNoResults
from gateway.sdmx.negotiation import negotiate
from gateway.sdmx.observations import observations
from gateway.sdmx.query import data_query_21, data_query_30
from gateway.sdmx.structure_query import structure_query
from gateway.sdmx.structure_ml import structure_message
from gateway.sdmx.values import unless_empty
from gateway.readmodel import Incomplete
from observatory.errors import ObservatoryError, ServiceUnavailable
from observatory.sdmx.codelists import codelists
from observatory.sdmx.structures import DATA_STRUCTURES, DATAFLOWS, concept_scheme

RELEASE_VIEW = ("sdmx-release",)


def release_marker(sources):
    """What the published release is, for the read model: each published dataset and when, and what the
    declared prices are (the DECLARED series changes with them, between releases). Without the catalog the
    marker is incomplete: not kept, and its tag still names the datasets."""
    listed = every_release(sources.ingest)
    marker = {"published": sorted([d["id"], d.get("published_at") or d.get("finished_at") or ""] for d in listed)}
    try:
        return {**marker, "declared": sources.catalog.declared_marker()}
    except ServiceUnavailable:
        raise Incomplete({**marker, "declared": None}) from None


@functools.lru_cache(maxsize=1)
def structures_version():
    """A digest of every structure served (they change only with the code)."""
    held = (sorted(codelists().items()), sorted(DATA_STRUCTURES.items()), sorted(DATAFLOWS.items()), concept_scheme())
    return hashlib.sha256(repr(held).encode()).hexdigest()[:16]


def _sdmx(handler):
    """Every SDMX answer carries CORS headers, its errors too."""
    @functools.wraps(handler)
    def answering(self, request, call):
        try:
            return responses.with_cors(handler(self, request, call))
        except ObservatoryError as exc:
            return responses.sdmx_error(exc)
    return answering


def _request_identity(request, writer):
    return request.path, sorted(request.args.items(multi=True)), writer.media_type, responses.wants_gzip(request)


class Sdmx:
    def __init__(self, views, sources):
        self.views = views
        self.sources = sources

    def _release(self):
        """(its tag, the last publication time or None), kept in the read model (a release replaces it)."""
        body, etag, _ = self.views.reads.read(RELEASE_VIEW, release_marker, self.sources)
        etag = etag or responses.entity_tag(body)  # an incomplete marker (no catalog): tagged by what it holds
        stamps = [at for _, at in json.loads(body)["published"] if at]
        last = max((dt.datetime.fromisoformat(s) for s in stamps), default=None)
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=dt.timezone.utc)
        return etag, last

    # -- structures ---------------------------------------------------------------------------
    def _structure(self, request, call, api):
        path = call.path
        params = {k: v for k, v in call.params.items() if k != "format"}
        selection = structure_query(path["artefact_type"], path.get("agency", "all"), path.get("artefact_id", "all"),
                                    path.get("version", "latest"), params, api)
        writer = negotiate(request.headers.get("Accept"), call.params.get("format"), "structure", api)
        etag = responses.entity_tag(structures_version(), *_request_identity(request, writer))
        headers = responses.conditional_headers(etag, None)
        if responses.not_modified(request, etag):
            return responses.empty(304, headers)
        return responses.streamed(request, structure_message(selection), writer.media_type, headers)

    @_sdmx
    def sdmx21_structure(self, request, call):
        return self._structure(request, call, "2.1")

    sdmx21_structure_agency = sdmx21_structure_id = sdmx21_structure_version = sdmx21_structure

    @_sdmx
    def sdmx30_structure(self, request, call):
        return self._structure(request, call, "3.0")

    sdmx30_structure_agency = sdmx30_structure_id = sdmx30_structure_version = sdmx30_structure

    # -- data -----------------------------------------------------------------------------------
    def _data(self, request, call, query, api):
        writer = negotiate(request.headers.get("Accept"), call.params.get("format"), "data", api)
        release, last_modified = self._release()
        etag = responses.entity_tag(release, *_request_identity(request, writer))
        headers = responses.conditional_headers(etag, last_modified)
        if responses.not_modified(request, etag, last_modified):
            return responses.empty(304, headers)
        found = unless_empty(observations(self.sources, query))  # the first page is asked before answering
        if found is None:
            if EMPTY_RESULT_STATUS[api] == 204:
                return responses.empty(204, headers)
            raise SdmxNoResults("no observations match the query", {"flow": query.flow.id})
        options = {"dimension_at_observation": query.dimension_at_observation}
        if history.wants_history(query):  # one DataSet per release and action (what changed: bounded)
            found = list(found)
            options["datasets"] = history.datasets(found)
        chunks = writer.write(query.flow, query.dsd, found, **options)
        return responses.streamed(request, chunks, writer.media_type, headers)

    @_sdmx
    def sdmx21_data(self, request, call):
        params = {k: v for k, v in call.params.items() if k != "format"}
        query = data_query_21(call.path["flow"], call.path.get("key", "all"), call.path.get("provider"), params)
        return self._data(request, call, query, "2.1")

    sdmx21_data_key = sdmx21_data_provider = sdmx21_data

    @_sdmx
    def sdmx30_data(self, request, call):
        params = {k: v for k, v in call.params.items() if k != "format"}
        path = call.path
        query = data_query_30(path["context"], path["agency"], path["resource_id"], path["version"],
                              path.get("key", "*"), params)
        return self._data(request, call, query, "3.0")

    sdmx30_data_key = sdmx30_data

    def sdmx_preflight(self, request, call):
        return responses.empty(204, responses.PREFLIGHT)
