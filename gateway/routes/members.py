"""Member institutions and their focal points (issue 21): operators register
institutions; an operator or the institution itself adds and edits its focal
points; anyone reads what is public (contacts only where the focal point chose)."""
from gateway.auth import MEMBER, OPERATOR
from gateway.routes.table import API, Route
from observatory.contracts.capacity import FocalPointEditSchema, FocalPointSchema, MemberCreateSchema
from observatory.contracts.capacity_answers import (
    FocalPointAnswerSchema,
    MemberAnswerSchema,
    MemberListQuerySchema,
    MemberListSchema,
)

WRITE_ERRORS = (400, 401, 403, 404, 413, 415)
ENTRY = f"{API}/members/<member_id>"

ROUTES = (
    Route("POST", f"{API}/members", "register_member",
          "Register a member state's institution (ministry, central bank, statistics office, regulator)",
          roles=(OPERATOR,), body=MemberCreateSchema, response=MemberAnswerSchema, errors=(*WRITE_ERRORS, 409),
          status=201),
    Route("GET", f"{API}/members", "list_members",
          "Member institutions with their listed focal points (contacts only where the focal point chose)",
          query=MemberListQuerySchema, response=MemberListSchema, errors=(400, 401)),
    Route("GET", ENTRY, "get_member",
          "One institution: the public see listed focal points, other members what was shared with members, "
          "the institution itself and operators everything", response=MemberAnswerSchema, errors=(401, 404)),
    Route("POST", f"{ENTRY}/focal-points", "add_focal_point",
          "Add a focal point (its institution or an operator); listed and share_contact_with say who sees it",
          roles=(OPERATOR, MEMBER), body=FocalPointSchema, response=FocalPointAnswerSchema,
          errors=(*WRITE_ERRORS, 409), status=201),
    Route("PATCH", f"{ENTRY}/focal-points/<point_id>", "edit_focal_point",
          "Edit a focal point (its institution or an operator)", roles=(OPERATOR, MEMBER),
          body=FocalPointEditSchema, response=FocalPointAnswerSchema, errors=WRITE_ERRORS),
)
