"""The uploaded bytes of every dataset, in chunks small enough for one AMQP
message (``"<upload_id>:<index>"``); ``dataset_id`` is None until the upload
is finished and its dataset created."""
from pymongo import ASCENDING

from services.ingest.models import RawChunk
from services.ingest.packing import compress_chunk


class RawFileStore:
    def __init__(self, db):
        self.chunks = db[RawChunk._meta["collection"]]

    def ensure_indexes(self):
        for fields in (["upload_id"], ["dataset_id"], ["dataset_id", "created_at"]):
            self.chunks.create_index([(f, ASCENDING) for f in fields])

    def save_chunk(self, upload_id, index, data, now):
        """Idempotent: a retried chunk overwrites itself."""
        chunk_id = f"{upload_id}:{index}"
        self.chunks.replace_one({"_id": chunk_id}, {"_id": chunk_id, "upload_id": upload_id, "dataset_id": None,
                                                    "index": index, "data": data, "created_at": now}, upsert=True)

    def upload_chunks(self, upload_id):
        return self.chunks.find({"upload_id": upload_id}).sort("index", ASCENDING)

    def dataset_chunks(self, dataset_id):
        return self.chunks.find({"dataset_id": dataset_id}).sort("index", ASCENDING)

    def dataset_chunk(self, dataset_id, index):
        return self.chunks.find_one({"dataset_id": dataset_id, "index": index})

    def attach(self, upload_id, dataset_id):
        """The finished upload's chunks now belong to its dataset."""
        self.chunks.update_many({"upload_id": upload_id}, {"$set": {"dataset_id": dataset_id}})

    def drop_upload(self, upload_id, unfinished_only=False):
        """Delete an upload's chunks (only the ones no dataset owns, with ``unfinished_only``); how many."""
        query = {"upload_id": upload_id, **({"dataset_id": None} if unfinished_only else {})}
        return self.chunks.delete_many(query).deleted_count

    def drop_unfinished_before(self, cutoff):
        """Chunks of uploads that never finished, received before ``cutoff``; how many."""
        return self.chunks.delete_many({"dataset_id": None, "created_at": {"$lt": cutoff}}).deleted_count

    def compress_dataset_chunks(self, dataset_id, pause):
        """Compress a settled dataset's chunks one at a time (reads wait no longer); how many."""
        compressed = 0
        for chunk in self.chunks.find({"dataset_id": dataset_id, "encoding": None}, {"_id": 1}):
            pause()
            data = self.chunks.find_one({"_id": chunk["_id"]}, {"data": 1})["data"]
            compressed += self.chunks.update_one({"_id": chunk["_id"], "encoding": None}, {
                "$set": {"data": compress_chunk(data), "encoding": "zlib"}}).modified_count
        return compressed
