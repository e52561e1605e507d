"""Every query, update and index of the ingest service (database
``observatory_ingest``), behind one object the service's workers are handed
(``MongoStore(..., adapter=IngestStore)``) and pass to the plain functions:

- ``datasets``: the datasets, their import claims, tallies, reviews and the
  records of the ones held for review (``store_datasets``);
- ``files``: their raw bytes in chunks (``store_files``);
- ``publication``: staged quotes, period states and what is published
  (``store_publication``);
- ``series``: corridor series published elsewhere, bilateral matrices and
  country flows (``store_series``);
- ``vintages``: the releases and every published figure's versions
  (``store_vintages``).

Plain pymongo on the database it is given, with what both MongoDB and
mongomock support (single-document atomic updates, no transactions).
"""
import mongoengine

from services.ingest.models import STORE_ALIAS, Dataset, Publication
from services.ingest.store_datasets import DatasetStore
from services.ingest.store_files import RawFileStore
from services.ingest.store_national import NationalStore
from services.ingest.store_publication import PublicationStore
from services.ingest.store_series import SeriesStore
from services.ingest.store_vintages import VintageStore

DB_NAME = "observatory_ingest"
# The documents whose outboxes the service flushes after a write (the relay finds them by store alias too).
DATASET_OUTBOX, PUBLICATION_OUTBOX = Dataset, Publication

__all__ = ["DB_NAME", "STORE_ALIAS", "DATASET_OUTBOX", "PUBLICATION_OUTBOX", "IngestStore"]


class IngestStore:
    def __init__(self, db):
        self.db = db
        self.datasets = DatasetStore(db)
        self.files = RawFileStore(db)
        self.publication = PublicationStore(db)
        self.series = SeriesStore(db)
        self.vintages = VintageStore(db)
        self.national = NationalStore(db)  # national submissions: reporters, submissions, observations

    @classmethod
    def connected(cls):
        """The store of the connection registered as ``STORE_ALIAS`` (by ``MongoStore`` at setup, or a
        test's ``connect_store``), for code no worker hands a store to."""
        return cls(mongoengine.get_db(STORE_ALIAS))

    def ensure_indexes(self):
        for part in (self.datasets, self.files, self.publication, self.series, self.vintages):
            part.ensure_indexes()
        self.national.ensure_indexes()
