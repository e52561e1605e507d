"""Who the caller is, and the tokens operators mint for providers and subscribers."""
from gateway.auth import OPERATOR, PROVIDER, REPORTER, SUBSCRIBER
from gateway.routes.table import API, Route
from gateway.schemas import (
    CredentialListQuerySchema,
    CredentialListSchema,
    CredentialRequestSchema,
    CredentialSchema,
    MintedCredentialSchema,
    PrincipalSchema,
)

ROUTES = (
    Route("GET", f"{API}/me", "whoami", "The caller's role and subject", roles=(OPERATOR, PROVIDER, SUBSCRIBER, REPORTER),
          response=PrincipalSchema, errors=(401,)),
    Route("POST", f"{API}/credentials", "create_credential", "Mint a token (shown once)", roles=(OPERATOR,),
          body=CredentialRequestSchema, response=MintedCredentialSchema, errors=(400, 401, 403, 413, 415), status=201),
    Route("GET", f"{API}/credentials", "list_credentials", "Every credential (never its token)", roles=(OPERATOR,),
          query=CredentialListQuerySchema, response=CredentialListSchema, errors=(400, 401, 403)),
    Route("DELETE", f"{API}/credentials/<credential_id>", "revoke_credential", "Revoke a credential",
          roles=(OPERATOR,), response=CredentialSchema, errors=(401, 403, 404)),
)
