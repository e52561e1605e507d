"""Event handlers that retry a bounded number of times, then dead-letter.

nameko acks a failing ``@event_handler`` message and loses it. Here the
handler's queue is a quorum queue with ``x-delivery-limit`` and a dead-letter
exchange: a failing message is requeued (after a short backoff) and, once it
has been delivered ``attempts`` times, RabbitMQ moves it to the dead-letter
queue, where operators list and replay it (``observatory.deadletters``).
A message that can never succeed (``InvalidMessage``) is dead-lettered at once.
"""
import logging

import eventlet
from kombu import Connection, Exchange, Queue
from nameko.events import EventHandler

from observatory.errors import InvalidMessage

log = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = "observatory.dead-letters"
DEAD_LETTER_QUEUE = "observatory.dead-letters"
DEFAULT_ATTEMPTS = 5
BACKOFF_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)


def dead_letter_topology():
    """The exchange and classic durable queue that collect dead letters."""
    exchange = Exchange(DEAD_LETTER_EXCHANGE, type="fanout", durable=True)
    return exchange, Queue(DEAD_LETTER_QUEUE, exchange=exchange, durable=True)


class ReliableEventHandler(EventHandler):
    def __init__(self, source_service, event_type, attempts=DEFAULT_ATTEMPTS, **kwargs):
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.attempts = attempts
        super().__init__(source_service, event_type, requeue_on_error=True, **kwargs)

    def setup(self):
        super().setup()
        # RabbitMQ dead-letters a quorum-queue message once it has been
        # delivered more than x-delivery-limit times.
        self.queue.queue_arguments = {
            "x-queue-type": "quorum",
            "x-delivery-limit": self.attempts - 1,
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        }
        self._declare_dead_letter_topology()

    def _declare_dead_letter_topology(self):
        exchange, queue = dead_letter_topology()
        with Connection(self.container.config["AMQP_URI"]) as conn:
            channel = conn.default_channel
            exchange.declare(channel=channel)
            queue.declare(channel=channel)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            return self.queue_consumer.ack_message(message)
        if isinstance(exc_info[1], InvalidMessage):
            log.error("dead-lettering invalid %s message: %s", self.event_type, exc_info[1].details)
            if message.channel.connection:
                message.reject(requeue=False)
            return
        delivered = int((message.headers or {}).get("x-delivery-count", 0)) + 1
        log.warning("%s handler failed (delivery %d of %d): %r",
                    self.event_type, delivered, self.attempts, exc_info[1])
        eventlet.sleep(BACKOFF_SECONDS[min(delivered, len(BACKOFF_SECONDS)) - 1])
        self.queue_consumer.requeue_message(message)


reliable_event_handler = ReliableEventHandler.decorator
