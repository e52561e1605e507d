"""Event handlers that retry a bounded number of times, then dead-letter.

nameko acks a failing ``@event_handler`` message and loses it. Here the
handler's queue is a quorum queue with ``x-delivery-limit`` and a dead-letter
exchange: a failing message is requeued (after a short backoff) and, once it
has been delivered ``attempts`` times, RabbitMQ moves it to the dead-letter
queue, where operators list and replay it (``observatory.deadletters``).
A message that can never succeed (``InvalidMessage``) is dead-lettered at once.

``reliable_command_handler`` is the same for commands: a work queue of its
own (``<service>.<command>``, bound to the ``<service>.commands`` direct
exchange) that any instance of the service consumes, each message once.
``on_give_up(payload, exc)`` runs before a message is dead-lettered, so the
service can record the failure (e.g. mark a dataset failed).
"""
import logging

import eventlet
from kombu import Exchange, Queue
from nameko.events import EventHandler
from nameko.messaging import Consumer

from observatory.errors import InvalidMessage
from observatory.replicated import declare_replacing_classic, quorum, replicas

log = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = "observatory.dead-letters"
DEAD_LETTER_QUEUE = "observatory.dead-letters"
DEFAULT_ATTEMPTS = 5
BACKOFF_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)


def dead_letter_topology(replica_count=None):
    """The exchange and the (quorum) queue that collect dead letters."""
    exchange = Exchange(DEAD_LETTER_EXCHANGE, type="fanout", durable=True)
    return exchange, Queue(DEAD_LETTER_QUEUE, exchange=exchange, durable=True, queue_arguments=quorum(replica_count))


def commands_exchange(service):
    return Exchange(f"{service}.commands", type="direct", durable=True)


def quorum_arguments(attempts, replica_count=None):
    """RabbitMQ dead-letters a quorum-queue message once it has been
    delivered more than x-delivery-limit times."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    return quorum(replica_count, **{"x-delivery-limit": attempts - 1, "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE})


class _BoundedRetries:
    """Requeue with backoff up to ``attempts`` deliveries, then dead-letter."""

    attempts = DEFAULT_ATTEMPTS
    on_give_up = None
    label = "message"

    def _declare_dead_letter_topology(self):
        _, queue = dead_letter_topology(replicas(self.container.config))  # declaring it declares its exchange
        declare_replacing_classic(self.container.config["AMQP_URI"], queue, only_if_empty=True)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            return self.queue_consumer.ack_message(message)
        if isinstance(exc_info[1], InvalidMessage):
            log.error("dead-lettering invalid %s: %s", self.label, exc_info[1].details)
            self._give_up(message, exc_info[1])
            if message.channel.connection:
                message.reject(requeue=False)
            return
        delivered = int((message.headers or {}).get("x-delivery-count", 0)) + 1
        log.warning("%s handler failed (delivery %d of %d): %r", self.label, delivered, self.attempts, exc_info[1])
        if delivered >= self.attempts:
            self._give_up(message, exc_info[1])
        eventlet.sleep(BACKOFF_SECONDS[min(delivered, len(BACKOFF_SECONDS)) - 1])
        self.queue_consumer.requeue_message(message)

    def _give_up(self, message, exc):
        if self.on_give_up is None:
            return
        try:
            self.on_give_up(message.payload, exc)
        except Exception:  # recording the failure must not stop the dead-lettering
            log.exception("on_give_up for a %s failed", self.label)


class ReliableEventHandler(_BoundedRetries, EventHandler):
    def __init__(self, source_service, event_type, attempts=DEFAULT_ATTEMPTS, on_give_up=None, **kwargs):
        self.attempts, self.on_give_up, self.label = attempts, on_give_up, f"{event_type} event"
        quorum_arguments(attempts)
        super().__init__(source_service, event_type, requeue_on_error=True, **kwargs)

    def setup(self):
        super().setup()
        self.queue.queue_arguments = quorum_arguments(self.attempts, replicas(self.container.config))
        self._declare_dead_letter_topology()


class ReliableCommandHandler(_BoundedRetries, Consumer):
    """Consumes command ``name`` sent to ``<service>.commands``."""

    def __init__(self, service, name, attempts=DEFAULT_ATTEMPTS, on_give_up=None, **kwargs):
        self.attempts, self.on_give_up, self.label = attempts, on_give_up, f"{name} command"
        queue = Queue(f"{service}.{name}", exchange=commands_exchange(service), routing_key=name, durable=True,
                      queue_arguments=quorum_arguments(attempts))
        super().__init__(queue, requeue_on_error=True, **kwargs)

    def setup(self):
        super().setup()
        self.queue.queue_arguments = quorum_arguments(self.attempts, replicas(self.container.config))
        self._declare_dead_letter_topology()


reliable_event_handler = ReliableEventHandler.decorator
reliable_command_handler = ReliableCommandHandler.decorator
