"""Bearer tokens and roles (DESIGN §6), as plain functions.

Tokens are 32 random bytes (URL-safe base64, prefixed ``obs_`` so they are
recognisable in logs and secret scanners), kept only as SHA-256 hashes and
compared in constant time. Roles: operator (admin), provider (bound to one
provider id), subscriber (bound to one subscriber id).
"""
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from gateway.exceptions import Forbidden, Unauthorized

OPERATOR, PROVIDER, SUBSCRIBER = "operator", "provider", "subscriber"
ROLES = (OPERATOR, PROVIDER, SUBSCRIBER)
REPORTER = "reporter"  # a reporting institution (issue 19): subject_id is its reporter id; ingest knows its country
ROLES = (*ROLES, REPORTER)
TOKEN_PREFIX = "obs_"
# Issue 21: one member institution (subject_id: its member id); it carries a subscriber's rights too
# (its notify subscriber has the member's id), so it may use every route a subscriber may.
MEMBER = "member"
ROLES = (*ROLES, MEMBER)
CARRIES = {MEMBER: (SUBSCRIBER,)}


@dataclass(frozen=True)
class Principal:
    role: str
    subject_id: str | None = None  # provider or subscriber id; None for operators
    credential_id: str | None = None  # None for the configured operator token


def new_token():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def bearer_token(authorization_header):
    """The token in ``Authorization: Bearer <token>``, or None when absent."""
    if not authorization_header:
        return None
    scheme, _, token = authorization_header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("use 'Authorization: Bearer <token>'")
    return token.strip()


def identify(token, operator_token_hash, find_credential):
    """The Principal a token stands for. ``find_credential(hash)`` returns a
    stored credential (with ``token_sha256``, ``role``, ``subject_id``, ``id``)
    or None."""
    presented = hash_token(token)
    if operator_token_hash and hmac.compare_digest(presented, operator_token_hash):
        return Principal(OPERATOR)
    credential = find_credential(presented)
    if credential is None or not hmac.compare_digest(presented, credential.token_sha256):
        raise Unauthorized("unknown or revoked token")
    return Principal(credential.role, credential.subject_id, str(credential.id))


def require_role(principal, *roles):
    """Raise 401 without a principal, 403 when its role is not one of ``roles``."""
    if principal is None:
        raise Unauthorized("this endpoint needs a bearer token")
    if principal.role not in roles:
        if set(CARRIES.get(principal.role, ())) & set(roles):
            return principal
        raise Forbidden(f"this endpoint is for: {', '.join(roles)}", {"your_role": principal.role})
    return principal
