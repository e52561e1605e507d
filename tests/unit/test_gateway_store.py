"""The gateway's store (gateway/store.py) on mongomock: credentials kept as
token hashes, found while active, listed, revoked once."""
import mongomock
import pymongo
import pytest

from gateway.auth import hash_token
from gateway.credentials import list_credentials, mint_credential, revoke_credential
from gateway.store import GatewayStore
from observatory.errors import NotFound


@pytest.fixture
def store():
    client = mongomock.MongoClient(tz_aware=True)
    built = GatewayStore(client["observatory_gateway"])
    built.ensure_indexes()
    return built


def test_a_minted_token_is_stored_only_as_its_hash_and_identifies_its_credential(store):
    minted = mint_credential(store, "provider", "western-union", "compliance desk", created_by="operator")
    stored = store.credentials.find_one({})
    assert minted.token.startswith("obs_") and minted.token not in str(stored)
    assert stored["token_sha256"] == hash_token(minted.token)
    found = store.active_credential(hash_token(minted.token))
    assert (found.id, found.role, found.subject_id, found.token) == (minted.id, "provider", "western-union", None)
    assert store.active_credential(hash_token("obs_not-minted")) is None


def test_the_same_token_hash_cannot_be_stored_twice(store):
    store.add_credential("ab" * 32, "operator")
    with pytest.raises(pymongo.errors.DuplicateKeyError):
        store.add_credential("ab" * 32, "subscriber", "mof-nepal")


def test_credentials_are_listed_oldest_first_and_by_role(store):
    first = mint_credential(store, "provider", "western-union")
    second = mint_credential(store, "subscriber", "mof-nepal")
    third = mint_credential(store, "provider", "moneygram")
    assert [c.id for c in list_credentials(store)] == [first.id, second.id, third.id]
    assert [c.id for c in list_credentials(store, "provider")] == [first.id, third.id]


def test_a_revoked_credential_identifies_no_one_and_keeps_its_first_revocation(store):
    minted = mint_credential(store, "subscriber", "mof-nepal")
    revoked = revoke_credential(store, minted.id)
    assert revoked.revoked_at is not None and store.active_credential(hash_token(minted.token)) is None
    assert revoke_credential(store, minted.id).revoked_at == revoked.revoked_at
    for unknown in ("000000000000000000000000", "not-an-id", ""):
        with pytest.raises(NotFound):
            revoke_credential(store, unknown)
