"""Minting, finding and revoking credentials (the gateway's own data)."""
import datetime as dt

from bson import ObjectId
from bson.errors import InvalidId

from gateway.auth import hash_token, new_token
from gateway.models import Credential
from observatory.errors import NotFound


def find_active_credential(token_sha256):
    return Credential.objects(token_sha256=token_sha256, revoked_at=None).first()


def mint_credential(role, subject_id=None, label=None, created_by=None):
    """Store a new credential; return it with the token, which is never stored."""
    token = new_token()
    credential = Credential(token_sha256=hash_token(token), role=role, subject_id=subject_id, label=label,
                            created_at=dt.datetime.now(dt.timezone.utc), created_by=created_by)
    credential.save()
    return credential, token


def list_credentials(role=None):
    query = Credential.objects(role=role) if role else Credential.objects
    return list(query.order_by("created_at"))


def revoke_credential(credential_id):
    try:
        oid = ObjectId(credential_id)
    except (InvalidId, TypeError):
        raise NotFound("no such credential", {"id": credential_id}) from None
    now = dt.datetime.now(dt.timezone.utc)
    if not Credential.objects(id=oid, revoked_at=None).update_one(set__revoked_at=now):
        if not Credential.objects(id=oid).first():
            raise NotFound("no such credential", {"id": credential_id})
    return Credential.objects.get(id=oid)
