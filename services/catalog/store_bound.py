"""``observatory.idempotency.apply_once`` asks a document class for its
collection; ``BoundCollection`` hands it a store's own (the same database the
service's connection opened)."""


class BoundCollection:
    def __init__(self, collection):
        self._collection = collection

    def _get_collection(self):
        return self._collection
