"""The event envelope (DESIGN §6): every event on the bus is one of these.

    {"event_id": UUID, "type": "dataset.published", "occurred_at": ISO-8601 UTC,
     "source": "ingest", "data": {...}}

``new_event`` builds a JSON-ready envelope and checks its ``data`` against the
type's contract (``observatory.contracts``) before it can enter an outbox;
``parse_event`` validates one that arrived, ``data`` with the same contract,
and raises ``InvalidMessage`` (never retried) when it is malformed.
"""
import uuid

from marshmallow import Schema, ValidationError, fields, validate

from observatory.clock import utcnow
from observatory.contracts import contract_for
from observatory.contracts.events import COMMANDS_OF, PRODUCED_BY
from observatory.errors import InvalidMessage

EVENT_TYPE = validate.Regexp(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class EventEnvelopeSchema(Schema):
    event_id = fields.UUID(required=True)
    type = fields.String(required=True, validate=[EVENT_TYPE, validate.Length(max=100)])
    occurred_at = fields.AwareDateTime(required=True)
    source = fields.String(required=True, validate=validate.Length(min=1, max=50))
    data = fields.Dict(keys=fields.String(), required=True)


_envelope = EventEnvelopeSchema()



def new_event(type_, source, data, event_id=None, occurred_at=None):
    """A validated, JSON-serialisable envelope."""
    envelope = {
        "event_id": str(event_id or uuid.uuid4()),
        "type": type_,
        "occurred_at": (occurred_at or utcnow()).isoformat(),
        "source": source,
        "data": data,
    }
    errors = _envelope.validate(envelope)
    contract = contract_for(type_)
    if not errors and contract is not None:
        errors = {"data": contract.validate(data)} if contract.validate(data) else {}
    if errors:
        raise ValueError(f"invalid {type_} event: {errors}")
    return envelope


class Producer:
    """What one service may emit: ``producer.event(type_, data)`` builds a
    validated envelope, refusing a type the service is not declared to
    produce (``PRODUCED_BY``/``COMMANDS_OF``), so each service's messages
    module is the whole answer to "what does it emit?"."""

    def __init__(self, source):
        self.source = source
        self.types = frozenset(PRODUCED_BY.get(source, ()) + COMMANDS_OF.get(source, ()))

    def event(self, type_, data, event_id=None, occurred_at=None):
        if type_ not in self.types:
            raise ValueError(f"{self.source} is not declared to produce {type_} (observatory/contracts/events.py)")
        return new_event(type_, self.source, data, event_id=event_id, occurred_at=occurred_at)


def parse_event(payload, data_schema=None):
    """Validate an incoming envelope (and its ``data`` with ``data_schema``).

    Returns the envelope with ``event_id`` as a string, ``occurred_at`` as an
    aware datetime and ``data`` loaded by ``data_schema`` when given.
    """
    try:
        envelope = _envelope.load(payload)
        data_schema = data_schema or contract_for(envelope["type"])
        if data_schema is not None:
            envelope["data"] = data_schema.load(envelope["data"])
    except (ValidationError, TypeError) as exc:
        messages = getattr(exc, "messages", str(exc))
        raise InvalidMessage("malformed event", details={"errors": messages}) from exc
    envelope["event_id"] = str(envelope["event_id"])
    return envelope


def with_outbox(update, *envelopes):
    """Add ``envelopes`` as pending events to a raw Mongo update."""
    merged = {op: dict(fields) for op, fields in update.items()}
    merged.setdefault("$push", {})["outbox"] = {"$each": list(envelopes)}
    return merged
