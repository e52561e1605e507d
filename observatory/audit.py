"""The audit entry every write keeps on the document it changed (who, when,
what): the catalog's entries, member institutions, plans, resources and
requests, and notify's scheduled exports, all in this one shape."""
from observatory.clock import iso, utcnow
from observatory.vocabulary import ROLE_MEMBER, ROLE_OPERATOR


def audit_entry(action, by, fields, version, **extra):
    return {"at": iso(utcnow()), "by": by, "action": action, "fields": sorted(fields), "version": version, **extra}


def actor(by):
    """How a principal ``{"role", "member_id"}`` is named in audit entries: ``operator`` or ``member:<id>``."""
    return ROLE_OPERATOR if by["role"] == ROLE_OPERATOR else f"{ROLE_MEMBER}:{by['member_id']}"
