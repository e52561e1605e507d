"""The practice library's queries, updates and indexes (part of ``CatalogStore``)."""
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from observatory.idempotency import collection_of
from services.catalog.models import Practice
from services.catalog.practices import NEVER_ANSWERED

BOOKKEEPING = {"outbox": 0, "applied_events": 0}
# A plain list leaves out what no answer shows; ranking needs the word indexes, so candidates keep them.
HIDDEN = dict.fromkeys(NEVER_ANSWERED, 0)


class PracticeStore:
    def __init__(self, db):
        self.practices = collection_of(Practice, db)

    def ensure_indexes(self):
        for field in ("status", "themes", "countries", "terms"):
            self.practices.create_index([(field, ASCENDING)])
        self.practices.create_index([("status", ASCENDING), ("published_at", DESCENDING)])

    def get(self, practice_id):
        return self.practices.find_one({"_id": practice_id})

    def insert(self, doc):
        """True when inserted; False when a practice with its id exists already."""
        try:
            self.practices.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    def update_at(self, practice_id, version, update):
        """Apply ``update`` if the practice is still at ``version``; True when it was."""
        return self.practices.update_one({"_id": practice_id, "version": version}, update).modified_count == 1

    def publish_draft(self, practice_id, update):
        """Apply ``update`` only while the practice is a draft (publishing twice is once)."""
        self.practices.update_one({"_id": practice_id, "status": "draft"}, update)

    @staticmethod
    def _filter(status=None, theme=None, country=None, any_of_terms=None):
        query = {"status": status} if status else {}
        if theme:
            query["themes"] = theme
        if country:
            query["countries"] = country
        if any_of_terms is not None:
            query["terms"] = {"$in": any_of_terms or ["\0"]}  # no words: nothing matches
        return query

    def holding_any_term(self, terms, **filters):
        """Every practice matching ``filters`` with one of ``terms`` (the candidates a ranked search reads)."""
        return list(self.practices.find(self._filter(any_of_terms=terms, **filters), BOOKKEEPING))

    def page(self, offset, limit, **filters):
        """(the practices matching ``filters`` in id order from ``offset``, how many match in all)."""
        query = self._filter(**filters)
        docs = self.practices.find(query, HIDDEN).sort("_id", 1).skip(offset).limit(limit)
        return list(docs), self.practices.count_documents(query)

    def published_in(self, iso3, limit):
        """Published practices tagged with the country ({_id, title, themes}), by id."""
        found = self.practices.find({"countries": iso3, "status": "published"}, {"title": 1, "themes": 1})
        return list(found.sort("_id", 1).limit(limit))

    def all_published(self):
        """Every published practice with its word indexes (what a ranking over the whole library reads)."""
        return list(self.practices.find({"status": "published"}, BOOKKEEPING).sort("_id", 1))
