"""The local three-node RabbitMQ cluster (scripts/rabbit_cluster.py): started
for the session when it is not up (and stopped after), a vhost per test, and
every node running again after each test, whatever the test killed."""
import base64
import json
import shutil
import sys
import urllib.request
import uuid
import warnings
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import rabbit_cluster  # noqa: E402


def installed():
    return shutil.which("rabbitmq-server") or Path("/usr/lib/rabbitmq/bin/rabbitmq-server").exists()


def management(method, path, body=None, port=rabbit_cluster.MANAGEMENT_PORT):
    """Call the management API of the cluster (or, with ``port``, of another broker)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Authorization", "Basic " + base64.b64encode(b"guest:guest").decode())
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read()
    return json.loads(text) if text else None


def new_vhost(name, port=rabbit_cluster.MANAGEMENT_PORT):
    """Create vhost ``name`` for guest; returns what deletes it."""
    management("PUT", f"/vhosts/{name}", port=port)
    management("PUT", f"/permissions/{name}/guest", {"configure": ".*", "write": ".*", "read": ".*"}, port=port)
    return lambda: management("DELETE", f"/vhosts/{name}", port=port)


def all_nodes_running():
    """Every node up and clustered again, whatever a test killed or stopped."""
    if not all(rabbit_cluster.answers(port) for port in rabbit_cluster.NODES.values()) \
            or len(rabbit_cluster.running_nodes()) != len(rabbit_cluster.NODES):
        start_the_cluster()


def start_the_cluster():
    """`up`; where the saved state cannot be brought back (a node killed while
    it rejoined after a partition, say), a fresh cluster: it holds only the
    tests' throwaway vhosts, so that loses nothing, and the next test starts
    on a whole cluster."""
    try:
        rabbit_cluster.up(say=lambda *a: None)
    except (rabbit_cluster.ClusterUnrecoverable, RuntimeError) as error:
        warnings.warn(f"{error}; the tests start a fresh cluster")
        rabbit_cluster.up(say=lambda *a: None, fresh=True)


@pytest.fixture(scope="session")
def cluster():
    if not installed():
        pytest.skip("rabbitmq-server is not installed: the local cluster cannot be started")
    started_here = not all(rabbit_cluster.answers(p) for p in rabbit_cluster.NODES.values())
    start_the_cluster()
    yield rabbit_cluster
    all_nodes_running()
    if started_here:
        rabbit_cluster.down(say=lambda *a: None)


@pytest.fixture
def cluster_vhost(cluster):
    """(AMQP_URI of all three nodes on a fresh vhost, vhost name)."""
    vhost = f"cluster-test-{uuid.uuid4().hex[:8]}"
    drop = new_vhost(vhost)
    yield cluster.amqp_uri(vhost), vhost
    all_nodes_running()
    drop()


def leader_of(vhost, queue):
    """The node name (e.g. obs2) leading a quorum queue."""
    return management("GET", f"/queues/{vhost}/{urllib.request.quote(queue, safe='')}")["leader"].split("@")[0]


def management_queues(vhost):
    return management("GET", f"/queues/{vhost}")
