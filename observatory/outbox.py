"""State first, then event, without losing either (DESIGN §6).

A service writes the pending event into the same document, in the same
single-document write, as the state change (``with_outbox`` for raw updates,
``doc.outbox.append(...)`` before ``save()`` for inserts). After the write it
calls ``outbox.flush(doc_cls, doc_id)``: each pending event is published with
publisher confirms and then pulled from the document. If the broker is down the
publish fails, the event stays pending, and the service's relay timer
(``OutboxRelay.relay_outbox``) publishes it once the broker is back.

Consumers may see an event twice (publish succeeded, pull did not): they are
idempotent (``idempotency.apply_once``), so that is harmless.
"""
import logging

from eventlet.semaphore import Semaphore
from kombu import Queue
from nameko.events import EventDispatcher
from nameko.timer import Timer

from observatory.events import with_outbox  # noqa: F401  (the update half of the outbox: pure, so decisions import it)
from observatory.idempotency import collection_of, outbox_documents
from observatory.reliable_events import DEFAULT_ATTEMPTS, commands_exchange, quorum_arguments
from observatory.replicated import replicas

log = logging.getLogger(__name__)

RELAY_INTERVAL_SECONDS = 2.0  # config OUTBOX_RELAY_SECONDS, read at container setup
RELAY_BATCH = 200
PENDING = {"outbox.event_id": {"$exists": True}}  # matches the sparse index: empty outboxes are not in it
# Fail fast while the broker is down: the relay timer is the retry loop.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.3, "interval_max": 0.5}


class OutboxPublisher:
    """What a worker gets: publish a document's pending events, or all of them.

    ``lock`` is shared by the workers of one service instance: two flushes
    reading the same pending events at once would publish them twice.
    """

    def __init__(self, dispatch, documents, lock=None):
        self._dispatch = dispatch
        self._documents = documents
        self._lock = lock or Semaphore()
        self._indexed = set()

    def flush(self, document_cls, document_id):
        """Publish the pending events of one document. Returns how many went out."""
        with self._lock:
            collection = collection_of(document_cls)
            doc = collection.find_one({"_id": document_id}, {"outbox": 1})
            return self._publish_pending(collection, doc) if doc else 0

    def flush_all(self):
        """Publish whatever is pending in every registered document class."""
        with self._lock:
            return self._flush_all()

    def _flush_all(self):
        sent = 0
        for document_cls in self._documents:
            collection = self._pending_index(document_cls)
            while True:
                pending = list(collection.find(PENDING, {"outbox": 1}).limit(RELAY_BATCH))
                published = self._publish_pending(collection, pending)
                sent += published
                if len(pending) < RELAY_BATCH or not published:
                    break
        return sent

    def _pending_index(self, document_cls):
        """The collection, with the sparse index that finds pending events
        without scanning every document (made once per process)."""
        collection = collection_of(document_cls)
        if document_cls not in self._indexed:
            collection.create_index([("outbox.event_id", 1)], sparse=True, name="outbox_pending")
            self._indexed.add(document_cls)
        return collection

    def _publish_pending(self, collection, docs):
        """Publish, then mark sent with one bulk update (not one per event)."""
        sent_ids, docs = [], docs if isinstance(docs, list) else [docs]
        try:
            for doc in docs:
                for envelope in doc.get("outbox", []):
                    self._dispatch(envelope["type"], envelope)
                    sent_ids.append(envelope["event_id"])
        except Exception as exc:  # broker down or unreachable: the rest stays pending
            log.warning("outbox: %d event(s) stay pending (%s)", sum(len(d.get("outbox", [])) for d in docs)
                        - len(sent_ids), exc)
        if sent_ids:
            collection.update_many({"_id": {"$in": [d["_id"] for d in docs]}},
                                   {"$pull": {"outbox": {"event_id": {"$in": sent_ids}}}})
        return len(sent_ids)


class OutboxDispatcher(EventDispatcher):
    """An EventDispatcher (publisher confirms on) that publishes from outboxes.

    The relay scans every ``OutboxDocument`` class stored under ``db_alias``
    (the service's store), found when the container starts. Events go to the ``<service>.events`` exchange with the event type
    as routing key, so plain ``@event_handler(service, type)`` consumers work.
    Envelopes whose type is one of ``commands`` ({type: attempts}) are work,
    not news: they go to the service's own work queue for that command
    (``reliable_command_handler``), declared here too so none is unroutable.
    """

    def __init__(self, db_alias, commands=None, **options):
        options.setdefault("retry_policy", PUBLISH_RETRY_POLICY)
        super().__init__(**options)
        self.db_alias = db_alias
        self.documents = []
        self.commands = dict(commands or {})
        self.lock = Semaphore()

    def setup(self):
        self.documents = outbox_documents(self.db_alias)
        self.commands_exchange = commands_exchange(self.container.service_name)
        self.declare.append(self.commands_exchange)
        for name, attempts in self.commands.items():
            self.declare.append(Queue(f"{self.container.service_name}.{name}", exchange=self.commands_exchange,
                                      routing_key=name, durable=True,
                                      queue_arguments=quorum_arguments(attempts or DEFAULT_ATTEMPTS,
                                                                       replicas(self.container.config))))
        super().setup()

    def get_dependency(self, worker_ctx):
        extra_headers = self.get_message_headers(worker_ctx)
        dispatch_event = super().get_dependency(worker_ctx)

        def dispatch(message_type, envelope):
            if message_type in self.commands:
                self.publisher.publish(envelope, exchange=self.commands_exchange, routing_key=message_type,
                                       extra_headers=extra_headers)
            else:
                dispatch_event(message_type, envelope)

        return OutboxPublisher(dispatch, self.documents, self.lock)


class ConfiguredTimer(Timer):
    """A timer whose interval comes from the service config (``config_key``)
    at container setup, ``default`` when the config does not say."""

    def __init__(self, config_key, default, **kwargs):
        super().__init__(default, **kwargs)
        self.config_key = config_key

    def setup(self):
        super().setup()
        self.interval = float(self.container.config.get(self.config_key) or self.interval)


class OutboxRelay:
    """Mixin for a service class that has ``outbox = OutboxDispatcher(...)``:
    a timer re-publishes pending events (after a broker outage, a crash
    between write and publish, ...)."""

    @ConfiguredTimer.decorator("OUTBOX_RELAY_SECONDS", RELAY_INTERVAL_SECONDS)
    def relay_outbox(self):
        sent = self.outbox.flush_all()
        if sent:
            log.info("outbox relay published %d pending event(s)", sent)
