"""The contracts services keep with each other, in one place: a marshmallow
schema for the ``data`` of every event and command on the bus. A producer
validates before the message enters its outbox (``events.new_event``); a
consumer loads with the same schema (``events.parse_event``)."""
from observatory.contracts.events import CONTRACTS, contract_for

__all__ = ["CONTRACTS", "contract_for"]
