"""What the provider and practice resources share: an entry answered with
its version as ETag, the version If-Match names, who a change is recorded as."""
from gateway.http import cached_response
from gateway.readmodel import encode
from observatory.contracts.catalog import entry_etag, version_of
from observatory.errors import PreconditionRequired

ENTRY_CACHE_CONTROL = "no-cache"  # entries change at any time: revalidate (304 when unchanged)


def entry_response(request, call, answer):
    """An entry with its version as ETag (304 for If-None-Match)."""
    body, _ = encode(call.response_schema.dump(answer))
    return cached_response(request, body, entry_etag(answer["version"]), ENTRY_CACHE_CONTROL)


def expected_version(request):
    """The version ``If-Match`` names: 428 without it; a tag that is not one
    of ours names no version (-1), which the catalog answers with 412."""
    header = (request.headers.get("If-Match") or "").strip()
    if not header:
        raise PreconditionRequired("this write needs If-Match with the ETag of the entry as you read it "
                                   "(GET it first)", {"header": "If-Match"})
    version = version_of(header)
    return -1 if version is None else version


def author(principal):
    """Who a change is recorded as: role and credential (the configured operator token has none)."""
    return f"{principal.role}:{principal.credential_id or 'operator-token'}"
