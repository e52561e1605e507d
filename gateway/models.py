"""What the gateway stores: the credentials it authenticates (hashes only)."""
from mongoengine import DateTimeField, Document, StringField

STORE_ALIAS = "gateway"


class Credential(Document):
    meta = {"db_alias": STORE_ALIAS, "collection": "credentials",
            "indexes": [{"fields": ["token_sha256"], "unique": True}]}

    token_sha256 = StringField(required=True)
    role = StringField(required=True, choices=("operator", "provider", "subscriber"))
    subject_id = StringField()
    label = StringField(max_length=200)
    created_at = DateTimeField(required=True)
    created_by = StringField()
    revoked_at = DateTimeField()
