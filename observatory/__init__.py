"""The Observatory's shared kernel: what every service needs and nothing more.

- ``events``        the event envelope every message carries (DESIGN §6)
- ``idempotency``   apply an event's effect to one document exactly once
- ``outbox``        state first, then event, without losing either
- ``reliable_events`` event handlers that retry, then dead-letter
- ``deadletters``   list and replay dead-lettered messages (operators)
- ``deadlines``     RPC between services with a deadline
- ``mongo``         the MongoDB (or in-process mongomock) connection
- ``errors``        error types that cross service boundaries
"""
