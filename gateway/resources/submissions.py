"""Reporting institutions and their national submissions. A reporter's
token is bound to its reporter id: it sends files as itself and sees and
publishes its own submissions only (ingest answers 404 for another's); an
operator sees and publishes all. A publication answers once the views built
after its ``national.published`` (or, for an embargo, ``national.embargoed``)
are served, so the next read is fresh."""
import base64

from marshmallow import ValidationError
from werkzeug.wrappers import Response

from gateway.auth import REPORTER
from gateway.exceptions import BadRequest, PayloadTooLarge, UnsupportedMediaType
from gateway.national import national_change, national_sdmx_csv
from gateway.paths import iso3_from_path
from gateway.routes.table import API, Reply
from observatory.contracts.national import SUBMISSION_ID
from observatory.vocabulary import SUBMISSION_MEDIA_TYPES

MAX_SUBMISSION_BYTES = 4 * 1024 * 1024  # ingest's bound too (one RPC message)
SUBMIT_DEADLINE_SECONDS = 60  # receiving a file of at most 4 MiB (ingest validates it afterwards, in its job)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def submission_format(content_type):
    """The parser a Content-Type names: 'application/vnd.sdmx.data+csv; version=2.0.0' → 'sdmx-csv-2.0'."""
    parts = [p.strip() for p in (content_type or "").lower().split(";") if p.strip()]
    if not parts:
        raise UnsupportedMediaType("say the submission's format in Content-Type",
                                   {"accepted": sorted(SUBMISSION_MEDIA_TYPES)})
    version = next((p.replace(" ", "") for p in parts[1:] if p.replace(" ", "").startswith("version=")), None)
    wanted = parts[0] + (f";{version}" if version else "")
    found = SUBMISSION_MEDIA_TYPES.get(wanted) or (SUBMISSION_MEDIA_TYPES.get(parts[0]) if not version else None)
    if found is None:
        raise UnsupportedMediaType(f"submissions are not taken as {content_type!r}",
                                   {"accepted": sorted(SUBMISSION_MEDIA_TYPES)})
    return found


def read_body(request, limit=MAX_SUBMISSION_BYTES):
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"a submission is at most {limit:,} bytes", {"limit": limit})
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"a submission is at most {limit:,} bytes", {"limit": limit})
    if not data:
        raise BadRequest("the submission is empty: send the file as the body")
    return data


def _scope(principal):
    """The reporter id a caller is limited to (None: an operator, all)."""
    return principal.subject_id if principal.role == REPORTER else None


def _by(principal):
    return f"{principal.role}:{principal.subject_id or principal.credential_id or 'operator'}"


class Submissions:
    def __init__(self, ingest, reads, views):
        self.ingest = ingest
        self.reads = reads
        self.views = views  # published reads: the national export

    def create_reporter(self, request, call):
        answer = self.ingest.register_reporter(call.body, _by(call.principal))
        return Reply(answer, headers={"Location": f"{API}/reporters/{answer['id']}"})

    def list_reporters(self, request, call):
        return self.ingest.list_reporters(call.params)

    def submit(self, request, call):
        fmt = submission_format(request.headers.get("Content-Type"))
        data = read_body(request)
        answer = self.ingest.with_deadline(SUBMIT_DEADLINE_SECONDS).submit_national({
            "reporter_id": call.principal.subject_id, "format": fmt, "by": _by(call.principal),
            "data": base64.b64encode(data).decode("ascii")})
        return Reply(answer, 200 if answer.get("duplicate") else 202,
                     {"Location": f"{API}/submissions/{answer['id']}"})

    def list_submissions(self, request, call):
        return self.ingest.list_submissions(call.params, _scope(call.principal))

    def get_submission(self, request, call):
        return self.ingest.get_submission(_submission_id(call.path["submission_id"]), _scope(call.principal))

    def publish_submission(self, request, call):
        since = self.reads.changes_announced()
        body = dict(call.body or {})
        if body.get("embargo_until") is not None:
            body["embargo_until"] = body["embargo_until"].isoformat()
        answer = self.ingest.with_deadline(SUBMIT_DEADLINE_SECONDS).publish_submission(
            _submission_id(call.path["submission_id"]), _by(call.principal), _scope(call.principal), body)
        if answer.get("changed"):
            self.reads.await_change(national_change(answer["id"]), since)
        return answer

    def submission_template(self, request, call):
        data = base64.b64decode(self.ingest.submission_template()["data"])
        return Response(data, 200, mimetype=XLSX, headers={
            "Content-Disposition": 'attachment; filename="national_remittances_template.xlsx"',
            "Cache-Control": "public, max-age=3600"})

    def upcoming_releases(self, request, call):
        return self.ingest.national_releases()

    def national_revisions(self, request, call):
        iso3 = iso3_from_path(call.path["iso3"])
        dump = call.response_schema.dump
        return self.views.respond(request, ("national-revisions", iso3), lambda s: dump(s.ingest.national_history(iso3)))

    def export_national_sdmx(self, request, call):
        iso3 = iso3_from_path(call.path["iso3"])
        return self.views.respond(request, ("export-national", iso3), lambda s: national_sdmx_csv(s.ingest, iso3),
                                  "text/csv", {"Content-Disposition": f'attachment; filename="national-{iso3}.sdmx.csv"'})


def _submission_id(value):
    try:
        return SUBMISSION_ID(value)
    except ValidationError as exc:
        raise ValidationError({"id": exc.messages}) from None
