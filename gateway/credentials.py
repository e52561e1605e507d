"""Minting, listing and revoking credentials: the rules, over the gateway's
store (``gateway.store.GatewayStore``), which keeps only the token's hash."""
import dataclasses

from gateway.auth import hash_token, new_token
from observatory.errors import NotFound


def mint_credential(store, role, subject_id=None, label=None, created_by=None):
    """Store a new credential; return it with its token, shown in this answer only."""
    token = new_token()
    credential = store.add_credential(hash_token(token), role, subject_id, label, created_by)
    return dataclasses.replace(credential, token=token)


def list_credentials(store, role=None):
    return store.credentials_by_creation(role)


def revoke_credential(store, credential_id):
    credential = store.revoke_credential(credential_id)
    if credential is None:
        raise NotFound("no such credential", {"id": credential_id})
    return credential
