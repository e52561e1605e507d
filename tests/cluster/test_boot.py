"""The local cluster's own tooling (scripts/rabbit_cluster.py): `up` starts
the cluster from any state a run can leave it in — a node killed and never
restarted, the nodes stopped in any order, a node the others forgot, a state
no node can boot from — within its time, and the cluster then carries
messages on a quorum queue replicated on all three nodes. This module runs
before test_cluster.py, whose tests then use the cluster it left."""
import itertools
import time
import uuid

import kombu
import pytest

from tests.cluster.conftest import new_vhost

pytestmark = [pytest.mark.broker, pytest.mark.cluster, pytest.mark.timeout(900)]


def up_timed(cluster):
    started = time.monotonic()
    cluster.up(say=print)
    return time.monotonic() - started


def assert_whole_and_carrying(cluster):
    """All three nodes run in one cluster, and a message published on one
    node's quorum queue is consumed from another's."""
    assert cluster.running_nodes() == sorted(cluster.node_name(n) for n in cluster.NODES)
    vhost = f"boot-{uuid.uuid4().hex[:8]}"
    drop = new_vhost(vhost)
    try:
        ports = list(cluster.NODES.values())
        queue = kombu.Queue("boot-check", durable=True, queue_arguments={"x-queue-type": "quorum"})
        with kombu.Connection(f"amqp://guest:guest@127.0.0.1:{ports[0]}/{vhost}") as first:
            first.Producer().publish({"sent": vhost}, routing_key="boot-check", declare=[queue], retry=True)
        with kombu.Connection(f"amqp://guest:guest@127.0.0.1:{ports[-1]}/{vhost}") as last:
            message = last.SimpleQueue(queue).get(timeout=10)
            assert message.payload == {"sent": vhost}
            message.ack()
    finally:
        drop()


@pytest.mark.parametrize("victim", ["obs1", "obs2", "obs3"])
def test_a_node_killed_then_the_cluster_stopped_starts_again(cluster, victim):
    cluster.kill(victim)  # never restarted: the others then stop with it still missing
    cluster.down(say=print)
    assert not any(cluster.answers(port) for port in cluster.NODES.values())
    assert up_timed(cluster) < cluster.START_SECONDS
    assert_whole_and_carrying(cluster)


def test_the_cluster_stopped_in_every_order_starts_again(cluster):
    for order in itertools.permutations(cluster.NODES):
        cluster.down(say=print, order=order)  # the last stopped holds the newest tables
        assert not any(cluster.answers(port) for port in cluster.NODES.values())
        took = up_timed(cluster)
        assert took < cluster.START_SECONDS, (order, took)
        assert len(cluster.running_nodes()) == 3, order
    assert_whole_and_carrying(cluster)


def test_a_node_the_others_forgot_is_reset_and_joins_again(cluster):
    cluster.ctl("obs3", "stop")
    cluster.ctl("obs1", "forget_cluster_node", cluster.node_name("obs3"))  # its saved state no longer fits
    assert up_timed(cluster) < cluster.START_SECONDS
    assert_whole_and_carrying(cluster)


def test_a_state_no_node_can_boot_from_is_reported_and_reset_starts_afresh(cluster):
    cluster.down(say=print)
    for schema in cluster.cluster_dir().glob("obs*/mnesia/*/schema.DAT"):
        schema.write_bytes(b"not a schema")  # as a full disk or an interrupted write would leave it
    with pytest.raises(cluster.ClusterUnrecoverable, match="make cluster-reset"):
        cluster.up(say=print)
    assert not any(cluster.answers(port) for port in cluster.NODES.values())  # nothing left half-booted
    cluster.up(say=print, fresh=True)
    assert_whole_and_carrying(cluster)
