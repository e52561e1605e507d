"""The records of a held dataset (see ``models.HeldRecords``): kept when the
import holds it, read back when an operator publishes it."""
import time

from services.ingest.models import HeldRecords

BATCH = 200  # records per document: a matrix row holds ~200 flows, well under MongoDB's 16 MB


def hold(dataset_id, rows, records):
    collection = HeldRecords._get_collection()
    collection.delete_many({"dataset_id": dataset_id})  # a re-run after a crash starts clean
    for batch, start in enumerate(range(0, len(records), BATCH)):
        time.sleep(0)  # cooperative
        collection.insert_one({"_id": f"{dataset_id}/{batch}", "dataset_id": dataset_id, "batch": batch,
                               "rows": rows[start:start + BATCH], "records": records[start:start + BATCH]})


def held(dataset_id):
    """(row, record) of the held dataset, in file order."""
    for doc in sorted(HeldRecords._get_collection().find({"dataset_id": dataset_id}), key=lambda d: d["batch"]):
        yield from zip(doc["rows"], doc["records"])


def release(dataset_id):
    HeldRecords._get_collection().delete_many({"dataset_id": dataset_id})
