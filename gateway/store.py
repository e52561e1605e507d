"""What the gateway stores, and every query of it: the credentials it
authenticates (SHA-256 hashes of the tokens only, never a token).

``GatewayStore(db)`` is built once per container by ``observatory.mongo.
MongoStore`` from the pymongo (or mongomock) database and handed to the
workers; every operation is one a real MongoDB server runs the same way.
"""
import dataclasses
import datetime as dt

from bson import ObjectId
from bson.errors import InvalidId

from observatory.clock import utcnow

STORE_ALIAS = "gateway"
DB_NAME = "observatory_gateway"
CREDENTIALS = "credentials"


@dataclasses.dataclass(frozen=True)
class StoredCredential:
    """A credential as stored; ``token`` is set only in the answer that mints it."""

    id: str
    token_sha256: str
    role: str
    subject_id: str | None = None
    label: str | None = None
    created_at: dt.datetime | None = None
    created_by: str | None = None
    revoked_at: dt.datetime | None = None
    token: str | None = None


def _credential(doc):
    return StoredCredential(id=str(doc["_id"]), token_sha256=doc["token_sha256"], role=doc["role"],
                            subject_id=doc.get("subject_id"), label=doc.get("label"),
                            created_at=doc.get("created_at"), created_by=doc.get("created_by"),
                            revoked_at=doc.get("revoked_at"))


def _object_id(credential_id):
    """The stored id, or None for a value that cannot be one (no such credential)."""
    try:
        return ObjectId(credential_id)
    except (InvalidId, TypeError):
        return None


class GatewayStore:
    def __init__(self, db):
        self.credentials = db[CREDENTIALS]

    def ensure_indexes(self):
        # the name mongoengine gave it: a store created by an earlier version keeps its index
        self.credentials.create_index("token_sha256", unique=True, name="token_sha256_1")

    def active_credential(self, token_sha256):
        """The unrevoked credential with this token hash, or None."""
        doc = self.credentials.find_one({"token_sha256": token_sha256, "revoked_at": None})
        return _credential(doc) if doc else None

    def add_credential(self, token_sha256, role, subject_id=None, label=None, created_by=None):
        doc = {"token_sha256": token_sha256, "role": role, "subject_id": subject_id, "label": label,
               "created_at": utcnow(), "created_by": created_by}
        doc["_id"] = self.credentials.insert_one(doc).inserted_id
        return _credential(doc)

    def credentials_by_creation(self, role=None):
        """Every credential (of ``role``), oldest first."""
        return [_credential(doc) for doc in self.credentials.find({"role": role} if role else {}).sort(
            [("created_at", 1), ("_id", 1)])]

    def revoke_credential(self, credential_id, now=None):
        """Mark it revoked (once: a second revocation keeps the first time).
        Returns the credential, or None when there is no such credential."""
        oid = _object_id(credential_id)
        if oid is None:
            return None
        self.credentials.update_one({"_id": oid, "revoked_at": None}, {"$set": {"revoked_at": now or utcnow()}})
        doc = self.credentials.find_one({"_id": oid})
        return _credential(doc) if doc else None
