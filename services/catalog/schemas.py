"""The catalog's request and answer schemas live in the shared package
(``observatory.contracts.catalog``), since the gateway uses the same ones."""
from observatory.contracts.catalog import (  # noqa: F401 (re-exported)
    DeclaredQuoteRequestSchema,
    MergeRequestSchema,
    PracticeCreateSchema,
    PracticeEditSchema,
    PracticeImportSchema,
    PracticeQuerySchema,
    ProviderCreateSchema,
    ProviderEditSchema,
    ProviderQuerySchema,
    SplitRequestSchema,
)

__all__ = ["DeclaredQuoteRequestSchema", "MergeRequestSchema", "PracticeCreateSchema", "PracticeEditSchema",
           "PracticeImportSchema", "PracticeQuerySchema", "ProviderCreateSchema", "ProviderEditSchema",
           "ProviderQuerySchema", "SplitRequestSchema"]
