"""The provider catalog: anyone reads; operators curate; a provider edits its
own entry (``If-Match``) and declares its prices."""
from gateway.auth import OPERATOR, PROVIDER
from gateway.routes.table import API, Route
from gateway.schemas import AuditQuerySchema
from observatory.contracts.catalog import (
    AuditListSchema,
    DeclaredQuoteListSchema,
    DeclaredQuoteRequestSchema,
    DeclaredQuoteSchema,
    MergeRequestSchema,
    ProviderCreateSchema,
    ProviderEditSchema,
    ProviderListSchema,
    ProviderQuerySchema,
    ProviderSchema,
    SplitRequestSchema,
)

WRITE_ERRORS = (400, 401, 403, 404, 413, 415)
ENTRY = f"{API}/providers/<provider_id>"

ROUTES = (
    Route("GET", f"{API}/providers", "list_providers",
          "Providers, filtered by type, country, corridor, words or a raw firm name (?alias=)",
          query=ProviderQuerySchema, response=ProviderListSchema, errors=(400,)),
    Route("POST", f"{API}/providers", "create_provider", "Create an entry the data has not shown",
          roles=(OPERATOR,), body=ProviderCreateSchema, response=ProviderSchema, errors=WRITE_ERRORS, status=201),
    Route("GET", ENTRY, "get_provider", "One provider (its ETag is what PATCH's If-Match names)",
          response=ProviderSchema, errors=(404,)),
    Route("PATCH", ENTRY, "update_provider", "Change an entry (operator, or the provider itself)",
          roles=(OPERATOR, PROVIDER), body=ProviderEditSchema, response=ProviderSchema,
          errors=(*WRITE_ERRORS, 412, 428), if_match=True),
    Route("GET", f"{ENTRY}/audit", "provider_audit", "Every change to an entry: who, when, which fields, before "
          "and after (newest first)", roles=(OPERATOR, PROVIDER), query=AuditQuerySchema, response=AuditListSchema,
          errors=(400, 401, 403, 404)),
    Route("POST", f"{ENTRY}/merge", "merge_providers", "Fold another entry into this one (audited)",
          roles=(OPERATOR,), body=MergeRequestSchema, response=ProviderSchema, errors=(*WRITE_ERRORS, 409)),
    Route("POST", f"{ENTRY}/split", "split_provider", "Take a wrongly merged alias out into an entry of its own",
          roles=(OPERATOR,), body=SplitRequestSchema, response=ProviderSchema, errors=(*WRITE_ERRORS, 409),
          status=201),
    Route("POST", f"{ENTRY}/quotes", "declare_quote", "Declare a price (shown as provider-declared, never averaged)",
          roles=(PROVIDER,), body=DeclaredQuoteRequestSchema, response=DeclaredQuoteSchema,
          errors=(*WRITE_ERRORS, 409), status=201),
    Route("GET", f"{ENTRY}/quotes", "provider_quotes", "The prices a provider has declared",
          response=DeclaredQuoteListSchema, errors=(404,)),
)
