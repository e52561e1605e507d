"""Importing files, following them, and deciding on the ones held for review
(operators). Publishing answers once the views built after the
``dataset.published`` it causes are served; so does a dataset answer that
shows an import completed (the operator's next read is fresh)."""
from gateway.changes import dataset_change
from gateway.paths import dataset_id_from_path
from gateway.routes.table import API, Reply
from gateway.uploads import DEFAULT_MAX_UPLOAD_BYTES, send_in_chunks, upload_stream

PUBLISH_DEADLINE_SECONDS = 60  # publishing a whole dataset writes one state per period


def operator_name(principal):
    return principal.credential_id or "operator"


class Datasets:
    def __init__(self, ingest, reads, max_upload_bytes=None):
        self.ingest = ingest
        self.reads = reads
        self.max_upload_bytes = int(max_upload_bytes or DEFAULT_MAX_UPLOAD_BYTES)

    def upload_dataset(self, request, call):
        stream, filename = upload_stream(request, self.max_upload_bytes)
        answer = send_in_chunks(self.ingest, stream, self.max_upload_bytes, call.params["kind"], filename,
                                call.params.get("year"))
        return Reply(answer, 200 if answer["duplicate"] else 202, {"Location": f"{API}/datasets/{answer['id']}"})

    def list_datasets(self, request, call):
        return self.ingest.list_datasets(**call.params)

    def get_dataset(self, request, call):
        answer = self.ingest.get_dataset(dataset_id_from_path(call.path["dataset_id"]), **call.params)
        self.reads.await_dataset(answer)
        return answer

    def publish_dataset(self, request, call):
        since = self.reads.changes_announced()
        answer = self.ingest.with_deadline(PUBLISH_DEADLINE_SECONDS).publish_dataset(
            dataset_id_from_path(call.path["dataset_id"]), operator_name(call.principal))
        self.reads.await_change(dataset_change(answer["id"]), since)
        return answer

    def reject_dataset(self, request, call):
        return self.ingest.reject_dataset(dataset_id_from_path(call.path["dataset_id"]), operator_name(call.principal))
