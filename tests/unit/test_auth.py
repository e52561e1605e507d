import pytest

from gateway.auth import (OPERATOR, PROVIDER, Principal, bearer_token, hash_token, identify, new_token,
                          require_role)
from gateway.exceptions import Forbidden, Unauthorized
from gateway.schemas import CredentialRequestSchema
from marshmallow import ValidationError


class StoredCredential:
    def __init__(self, token, role, subject_id):
        self.token_sha256, self.role, self.subject_id, self.id = hash_token(token), role, subject_id, "c1"


def test_tokens_are_random_and_long():
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(t) >= 4 + 43 for t in tokens)  # 32 bytes of base64


def test_identify_operator_and_stored_credentials():
    admin = new_token()
    provider_token = new_token()
    stored = StoredCredential(provider_token, PROVIDER, "wu")
    find = {stored.token_sha256: stored}.get
    assert identify(admin, hash_token(admin), find) == Principal(OPERATOR)
    assert identify(provider_token, hash_token(admin), find) == Principal(PROVIDER, "wu", "c1")
    with pytest.raises(Unauthorized):
        identify("obs_wrong", hash_token(admin), find)


def test_bearer_header_parsing():
    assert bearer_token(None) is None
    assert bearer_token("Bearer abc") == "abc"
    for bad in ("Basic abc", "Bearer", "Bearer   ", "abc"):
        with pytest.raises(Unauthorized):
            bearer_token(bad)


def test_roles():
    with pytest.raises(Unauthorized):
        require_role(None, OPERATOR)
    with pytest.raises(Forbidden):
        require_role(Principal(PROVIDER, "wu"), OPERATOR)
    assert require_role(Principal(OPERATOR), OPERATOR).role == OPERATOR


@pytest.mark.parametrize("body", [
    {"role": "provider"},
    {"role": "provider", "subscriber_id": "x"},
    {"role": "subscriber", "subscriber_id": "bad id with spaces"},
    {"role": "king"},
    {"role": "operator", "provider_id": "x"},
    {"role": "provider", "provider_id": "wu", "unknown": 1},
])
def test_credential_requests_are_validated(body):
    with pytest.raises(ValidationError):
        CredentialRequestSchema().load(body)
