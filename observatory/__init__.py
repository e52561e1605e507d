"""The Observatory's shared kernel: what every service needs and nothing more.

- ``events``        the event envelope every message carries (DESIGN §6), and ``Producer``
- ``contracts``     the schemas of every event, command and RPC answer
- ``vocabulary``    kinds, statuses, periods, ids: the words services share
- ``idempotency``   apply an effect to one document exactly once; the outbox documents
- ``outbox``        state first, then event, without losing either
- ``reliable_events`` event and command handlers that retry, then dead-letter
- ``deadletters``   list and replay dead-lettered messages (operators)
- ``deadlines``     RPC between services with a deadline
- ``mongo``         the MongoDB (or in-process mongomock) connection; the store provider
- ``clock``         the one clock and timestamp format
- ``leases``        claiming work with one conditional update
- ``pagination``    cursor pagination, strictly decoded
- ``errors``        error types that cross service boundaries, each with its HTTP status
- ``countries``     the country reference (UN M49, World Bank classification, LDC list in force)
- ``analysis``      pure policy analysis (newest figure, quality flags, SDG 10.c, peers, scorecards, what-if)
"""
