"""Importing files, following them, and deciding on the ones held for review."""
from gateway.auth import OPERATOR
from gateway.routes.table import API, Route
from gateway.schemas import DatasetListQuerySchema, DatasetQuerySchema, UploadQuerySchema
from observatory.contracts.datasets import (
    DatasetListSchema,
    DatasetSchema,
    PublishAnswerSchema,
    RejectAnswerSchema,
    UploadAnswerSchema,
)

ROUTES = (
    Route("POST", f"{API}/datasets", "upload_dataset", "Upload a file (raw body or multipart field 'file')",
          roles=(OPERATOR,), query=UploadQuerySchema, body_media="application/octet-stream",
          response=UploadAnswerSchema, errors=(400, 401, 403, 409, 413), status=202),
    Route("GET", f"{API}/datasets", "list_datasets", "Datasets, newest first", roles=(OPERATOR,),
          query=DatasetListQuerySchema, response=DatasetListSchema, errors=(400, 401, 403)),
    Route("GET", f"{API}/datasets/<dataset_id>", "get_dataset", "Status, counts, errors and review of a dataset",
          roles=(OPERATOR,), query=DatasetQuerySchema, response=DatasetSchema, errors=(400, 401, 403, 404)),
    Route("POST", f"{API}/datasets/<dataset_id>/publish", "publish_dataset",
          "Publish a dataset held for review, or an earlier one again (restores its figures)", roles=(OPERATOR,),
          response=PublishAnswerSchema, errors=(400, 401, 403, 404, 409)),
    Route("POST", f"{API}/datasets/<dataset_id>/reject", "reject_dataset", "Reject a dataset held for review",
          roles=(OPERATOR,), response=RejectAnswerSchema, errors=(400, 401, 403, 404, 409)),
)
