"""Releases: the published datasets, and each one's raw file with its
SHA-256, for anyone to check the figures against what was imported."""
import base64
import hashlib
import re

from werkzeug.wrappers import Response

from gateway.auth import OPERATOR
from gateway.paths import dataset_id_from_path
from gateway.routes.table import API
from gateway.resources.whole_lists import every_item
from observatory.errors import ServiceUnavailable

PUBLISHED = "completed"
RAW_CACHE_CONTROL = "public, max-age=86400, immutable"  # the bytes of a dataset never change


def raw_url(dataset_id):
    return f"{API}/datasets/{dataset_id}/raw"


def release_view(dataset):
    return {**dataset, "raw_url": raw_url(dataset["id"])}


def safe_filename(name, fallback):
    """A name a Content-Disposition header can carry as it is."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name or "").strip("._")
    return cleaned[:120] or fallback


def published_releases(ingest, params):
    """A page of the published datasets, each with its raw file's address."""
    answer = ingest.list_datasets(status=PUBLISHED, **params)
    return {**answer, "items": [release_view(d) for d in answer["items"]]}


def every_release(ingest):
    """Every published dataset, each with its raw file's address (the open data page, the calendar)."""
    return [release_view(d) for d in every_item(ingest.list_datasets, status=PUBLISHED)[1]]


class Releases:
    def __init__(self, ingest):
        self.ingest = ingest

    def list_releases(self, request, call):
        return published_releases(self.ingest, call.params)

    def dataset_raw(self, request, call):
        dataset_id = dataset_id_from_path(call.path["dataset_id"])
        published_only = call.principal is None or call.principal.role != OPERATOR
        etag = None
        parts, index, total = [], 0, 1
        while index < total:
            part = self.ingest.raw_part(dataset_id, index, published_only)
            etag = f'"{part["sha256"]}"'
            if index == 0 and request.if_none_match and request.if_none_match.contains(part["sha256"]):
                return Response(status=304, headers={"ETag": etag, "Cache-Control": RAW_CACHE_CONTROL})
            parts.append(base64.b64decode(part["data"]))
            index, total = index + 1, part["parts"]
        body = b"".join(parts)
        if hashlib.sha256(body).hexdigest() != part["sha256"]:
            raise ServiceUnavailable("the stored file does not match its checksum; it is not served",
                                     {"id": dataset_id})
        filename = safe_filename(part["filename"], f"{dataset_id}.bin")
        digest = base64.b64encode(bytes.fromhex(part["sha256"])).decode()
        return Response(body, mimetype="application/octet-stream", headers={
            "ETag": etag, "Cache-Control": RAW_CACHE_CONTROL, "Repr-Digest": f"sha-256=:{digest}:",
            "X-Checksum-SHA256": part["sha256"], "Content-Disposition": f'attachment; filename="{filename}"'})
