"""Queues that survive a broker node: RabbitMQ quorum queues (Raft-replicated
over the cluster), for RPC as well as for the handlers' and work queues.

nameko declares its RPC queue (``rpc-<service>``) as a classic queue, which
lives on one node: with that node down, no instance of the service can
consume or be called. Here the same queue is a quorum queue; its replication
factor comes from the config (``QUORUM_REPLICAS``; unset: RabbitMQ's
default). The handlers' and work queues (``reliable_events``, ``outbox``) and
the dead-letter queue use ``quorum`` too.
"""
import logging
import uuid

from amqp.exceptions import PreconditionFailed
from kombu import Connection
from nameko.events import BROADCAST, EventHandler
from nameko.rpc import ReplyListener, Rpc, RpcConsumer

from observatory.errors import EXPECTED

log = logging.getLogger(__name__)
QUORUM = "quorum"
BROADCAST_QUEUE_EXPIRES_MS = 10 * 60 * 1000  # an instance's queue outlives it this long, then goes


def replicas(config):
    """``QUORUM_REPLICAS`` from the nameko config (None: RabbitMQ's default)."""
    value = config.get("QUORUM_REPLICAS")
    return int(value) if value not in (None, "", "0", 0) else None


def quorum(replica_count=None, **arguments):
    """The arguments of a quorum queue with ``replica_count`` members."""
    group = {"x-quorum-initial-group-size": replica_count} if replica_count else {}
    return {"x-queue-type": QUORUM, **group, **arguments}


def declare_replacing_classic(amqp_uri, queue, only_if_empty=False):
    """Declare ``queue`` (a quorum queue). A classic queue of the same name,
    left by an earlier version, is deleted first (``only_if_empty``: only
    when it holds no message; otherwise it stays, and is used as it is).
    Returns False when the classic queue had to stay."""
    with Connection(amqp_uri) as connection:
        try:
            queue.bind(connection.channel()).declare()
            return True
        except PreconditionFailed:  # the broker closed that channel: the queue exists with other arguments
            pass
        try:
            connection.channel().queue_delete(queue.name, if_empty=only_if_empty)
        except PreconditionFailed:
            log.warning("queue %s is an unreplicated classic queue holding messages: kept; drain it (replay the "
                        "dead letters), delete it, and restart to have it replicated", queue.name)
            return False
        log.warning("queue %s was a classic queue (one node): replaced by a quorum queue", queue.name)
        queue.bind(connection.channel()).declare()
        return True


class QuorumRpcConsumer(RpcConsumer):
    def setup(self):
        super().setup()  # nameko's queue, once per container
        config = self.container.config
        if (self.queue.queue_arguments or {}).get("x-queue-type") != QUORUM:
            self.queue.queue_arguments = quorum(replicas(config))
            # pending calls in an old classic queue have callers that gave up long ago (their deadline)
            declare_replacing_classic(config["AMQP_URI"], self.queue)


class ReplicatedRpc(Rpc):
    rpc_consumer = QuorumRpcConsumer()


def rpc(fn=None, expected_exceptions=EXPECTED, **kwargs):
    """nameko's ``@rpc`` on a quorum queue; the observatory's errors are expected (answers, not faults)."""
    decorator = ReplicatedRpc.decorator(expected_exceptions=expected_exceptions, **kwargs)
    return decorator(fn) if fn is not None else decorator


class FailoverReplyListener(ReplyListener):
    """nameko's reply queue is a durable classic queue: when its node dies it
    cannot be declared again anywhere, and the caller's whole consumer stops
    (every RPC of that container times out until the node is back). A
    transient queue goes with its node and is declared afresh on the next
    one; replies in flight are lost, and their callers hit their deadline."""

    def setup(self):
        super().setup()
        self.queue.durable = False


class ReplicatedBroadcastHandler(EventHandler):
    """Every instance hears every event (a queue of its own, like nameko's
    broadcast), on a quorum queue: when a broker node dies the queue and the
    events in it survive, where nameko's exclusive queue would vanish with
    its node and the events sent meanwhile with it. It expires
    ``BROADCAST_QUEUE_EXPIRES_MS`` after its instance is gone."""

    def __init__(self, source_service, event_type, **kwargs):
        super().__init__(source_service, event_type, handler_type=BROADCAST, reliable_delivery=True, **kwargs)
        self._instance = uuid.uuid4().hex  # per container: two instances in one process are two listeners

    @property
    def broadcast_identifier(self):
        return self._instance

    def setup(self):
        super().setup()
        self.queue.queue_arguments = quorum(replicas(self.container.config),
                                            **{"x-expires": BROADCAST_QUEUE_EXPIRES_MS})


broadcast_handler = ReplicatedBroadcastHandler.decorator
