"""A local three-node RabbitMQ cluster beside the system broker (stdlib only).

    python3 scripts/rabbit_cluster.py up | down | status | kill NODE | start NODE

Nodes obs1, obs2, obs3 @localhost answer AMQP on 127.0.0.1:5682, 5683, 5684;
obs1 serves the management API on 15682. Each node has its own data
directory, HOME (with the cluster's Erlang cookie), distribution port, and a
config file of its own (the system file pins 5672), all under
``$OBSERVATORY_CLUSTER_DIR`` (default ~/.cache/observatory-cluster: the
ports are the machine's, so the cluster is too, whichever checkout starts
it). The system broker on 5672 is left alone.

    AMQP_URI='pyamqp://guest:guest@127.0.0.1:5682//;pyamqp://guest:guest@127.0.0.1:5683//;pyamqp://guest:guest@127.0.0.1:5684//'
"""
import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

NODES = {"obs1": 5682, "obs2": 5683, "obs3": 5684}
MANAGEMENT_PORT = 15682
DIST_PORT_OFFSET = 20000  # obs1 distributes on 25682
USER = "guest:guest"
# Debian's /usr/sbin wrappers switch to the rabbitmq user (and its HOME, so its
# cookie); the nodes here run as whoever starts them, with their own HOME.
LIBEXEC = Path("/usr/lib/rabbitmq/bin")


def tool(name):
    return str(LIBEXEC / name) if (LIBEXEC / name).exists() else name


def cluster_dir():
    return Path(os.environ.get("OBSERVATORY_CLUSTER_DIR") or Path.home() / ".cache" / "observatory-cluster")


def amqp_uri(vhost="/"):
    path = "/" if vhost == "/" else vhost
    return ";".join(f"pyamqp://{USER}@127.0.0.1:{port}/{path}" for port in NODES.values())


def node_name(node):
    return f"{node}@localhost"


def _environment(node):
    base = cluster_dir() / node
    port = NODES[node]
    home = base / "home"
    for folder in (home, base / "mnesia", base / "log"):
        folder.mkdir(parents=True, exist_ok=True)
    cookie = cluster_dir() / "cookie"
    if not cookie.exists():
        cookie.write_text(secrets.token_hex(16).upper())
    (home / ".erlang.cookie").write_text(cookie.read_text())
    (home / ".erlang.cookie").chmod(0o400)
    config = [f"listeners.tcp.local = 127.0.0.1:{port}", "loopback_users = none",
              "cluster_partition_handling = pause_minority"]
    if node == "obs1":
        config += [f"management.tcp.port = {MANAGEMENT_PORT}", "management.tcp.ip = 127.0.0.1"]
    (base / "rabbitmq.conf").write_text("\n".join(config) + "\n")
    (base / "enabled_plugins").write_text("[rabbitmq_management]." if node == "obs1" else "[].")
    return dict(os.environ, HOME=str(home), RABBITMQ_NODENAME=node_name(node), RABBITMQ_NODE_PORT=str(port),
                RABBITMQ_DIST_PORT=str(port + DIST_PORT_OFFSET), RABBITMQ_CONFIG_FILE=str(base / "rabbitmq.conf"),
                RABBITMQ_ENABLED_PLUGINS_FILE=str(base / "enabled_plugins"),
                RABBITMQ_MNESIA_BASE=str(base / "mnesia"), RABBITMQ_LOG_BASE=str(base / "log"),
                RABBITMQ_PID_FILE=str(base / "rabbit.pid"), RABBITMQ_CONF_ENV_FILE=str(base / "rabbitmq-env.conf"))


def ctl(node, *args, timeout=120, check=True):
    result = subprocess.run([tool("rabbitmqctl"), "-n", node_name(node), *args], env=_environment(node),
                            capture_output=True, text=True, timeout=timeout, cwd=cluster_dir())  # crash dumps go there
    if check and result.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {' '.join(args)} on {node}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def start(node):
    """Start one node (and wait until it runs)."""
    environment = _environment(node)
    (cluster_dir() / node / "rabbitmq-env.conf").write_text("")  # not the system's env file
    subprocess.run([tool("rabbitmq-server"), "-detached"], env=environment, check=True, capture_output=True,
                   cwd=cluster_dir() / node)
    ctl(node, "wait", environment["RABBITMQ_PID_FILE"], "--timeout", "90", timeout=100)
    ctl(node, "await_startup", timeout=150)


def pid_of(node):
    path = cluster_dir() / node / "rabbit.pid"
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def kill(node):
    """``kill -9`` the node's Erlang VM: no goodbye to the cluster."""
    pid = pid_of(node)
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 20
        while answers(NODES[node]) and time.monotonic() < deadline:
            time.sleep(0.1)
    return pid


def partition(node):
    """Cut ``node``'s links to the others (as a network partition would);
    Erlang reconnects them when next they speak, and RabbitMQ, having seen
    the partition, heals it as ``cluster_partition_handling`` says
    (``pause_minority``: the cut-off node pauses, then rejoins)."""
    for other in NODES:
        if other != node and answers(NODES[other]):
            ctl(other, "eval", f"erlang:disconnect_node('{node_name(node)}').")


def partitions():
    """Partitions a running node has seen ([] when the cluster is whole)."""
    for node, port in NODES.items():
        if answers(port):
            try:
                return json.loads(ctl(node, "cluster_status", "--formatter", "json")).get("partitions") or []
            except (RuntimeError, ValueError):
                continue
    return []


def running_nodes():
    try:
        status = json.loads(ctl(next(n for n in NODES if answers(NODES[n])), "cluster_status", "--formatter", "json"))
    except (StopIteration, RuntimeError, ValueError):
        return []
    return sorted(status.get("running_nodes", []))


def up(say=print):
    cluster_dir().mkdir(parents=True, exist_ok=True)
    for node, port in NODES.items():
        if answers(port):
            say(f"[cluster] {node} already answers on {port}")
            continue
        say(f"[cluster] starting {node} on 127.0.0.1:{port}")
        start(node)
    members = running_nodes()
    for node in ("obs2", "obs3"):
        if node_name(node) not in members:
            say(f"[cluster] {node} joins obs1")
            ctl(node, "stop_app")
            ctl(node, "reset")
            ctl(node, "join_cluster", node_name("obs1"))
            ctl(node, "start_app")
    say(f"[cluster] running: {', '.join(running_nodes())}; management on http://127.0.0.1:{MANAGEMENT_PORT}")
    say(f"[cluster] AMQP_URI='{amqp_uri()}'")


def down(say=print):
    for node, port in reversed(NODES.items()):
        if answers(port) or pid_of(node):
            say(f"[cluster] stopping {node}")
            if ctl(node, "stop", timeout=120, check=False) is None or answers(port):
                kill(node)
    say("[cluster] down (data kept in %s; `rm -rf` it for a fresh cluster)" % cluster_dir())


def main():
    parser = argparse.ArgumentParser(description="a local three-node RabbitMQ cluster")
    parser.add_argument("command", choices=["up", "down", "status", "kill", "start", "partition"])
    parser.add_argument("node", nargs="?", choices=list(NODES))
    args = parser.parse_args()
    if args.command == "up":
        up()
    elif args.command == "down":
        down()
    elif args.command == "status":
        print(json.dumps({"running": running_nodes(), "amqp_uri": amqp_uri()}, indent=2))
    elif not args.node:
        sys.exit(f"{args.command} needs a node: {', '.join(NODES)}")
    elif args.command == "kill":
        print(f"killed {args.node} (pid {kill(args.node)})")
    elif args.command == "partition":
        partition(args.node)
        print(f"cut {args.node} off from the others")
    else:
        start(args.node)


if __name__ == "__main__":
    main()
