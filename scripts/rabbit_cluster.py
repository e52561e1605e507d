"""A local three-node RabbitMQ cluster beside the system broker (stdlib only).

    python3 scripts/rabbit_cluster.py up [--fresh] | down | reset | status | kill NODE | start NODE

`up` starts the cluster from any state it was left in: the stopped nodes
boot together (a clustered node restarted alone waits for the tables of the
node stopped last), a node that cannot rejoin with its saved state is reset
and joined again, and a state no node can boot from is reported with what
to do. `reset` (make cluster-reset) starts a fresh cluster.

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
import shutil
import signal
import socket
import subprocess
import sys
import threading
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
              "cluster_partition_handling = pause_minority",
              # a node waiting for a peer's tables gives up in 50 s (default 5 min), so `up` can reset it
              "mnesia_table_loading_retry_timeout = 10000", "mnesia_table_loading_retry_limit = 5"]
    if node == "obs1":
        config += [f"management.tcp.port = {MANAGEMENT_PORT}", "management.tcp.ip = 127.0.0.1"]
    (base / "rabbitmq.conf").write_text("\n".join(config) + "\n")
    (base / "enabled_plugins").write_text("[rabbitmq_management]." if node == "obs1" else "[].")
    return dict(os.environ, HOME=str(home), RABBITMQ_NODENAME=node_name(node), RABBITMQ_NODE_PORT=str(port),
                RABBITMQ_DIST_PORT=str(port + DIST_PORT_OFFSET), RABBITMQ_CONFIG_FILE=str(base / "rabbitmq.conf"),
                RABBITMQ_ENABLED_PLUGINS_FILE=str(base / "enabled_plugins"),
                RABBITMQ_MNESIA_BASE=str(base / "mnesia"), RABBITMQ_LOG_BASE=str(base / "log"),
                RABBITMQ_PID_FILE=str(base / "rabbit.pid"), RABBITMQ_CONF_ENV_FILE=str(base / "rabbitmq-env.conf"))


def ctl(node, *args, timeout=120, check=True, status=False):
    """rabbitmqctl on ``node``: its output (``status``: whether it succeeded)."""
    result = subprocess.run([tool("rabbitmqctl"), "-n", node_name(node), *args], env=_environment(node),
                            capture_output=True, text=True, timeout=timeout, cwd=cluster_dir())  # crash dumps go there
    if check and not status and result.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {' '.join(args)} on {node}: {result.stderr.strip() or result.stdout.strip()}")
    return result.returncode == 0 if status else result.stdout


def cluster_members(node):
    """The nodes ``node`` counts as members of its cluster (running or not)."""
    try:
        status = json.loads(ctl(node, "cluster_status", "--formatter", "json"))
    except (RuntimeError, ValueError):
        return []
    disc = status.get("disk_nodes") or status.get("nodes", {}).get("disc", [])
    return sorted(set(disc) | set(status.get("running_nodes", [])))


def answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


START_SECONDS = 150  # the whole of `up`, nodes booting together included


class ClusterUnrecoverable(RuntimeError):
    """No node of the saved cluster can boot: only a fresh cluster helps."""


def launch(node):
    """Start one node's VM in the background (returns at once)."""
    environment = _environment(node)
    (cluster_dir() / node / "rabbitmq-env.conf").write_text("")  # not the system's env file
    subprocess.run([tool("rabbitmq-server"), "-detached"], env=environment, check=True, capture_output=True,
                   cwd=cluster_dir() / node)


def await_running(node, seconds):
    """Wait until ``node``'s rabbit application runs; False when its VM
    exits or the time runs out (a node waiting for tables it cannot get)."""
    try:
        ctl(node, "wait", str(cluster_dir() / node / "rabbit.pid"), "--timeout", str(int(seconds)),
            timeout=seconds + 10)
        ctl(node, "await_startup", "--timeout", str(int(seconds)), timeout=seconds + 10)
        return True
    except (RuntimeError, subprocess.TimeoutExpired):
        return False


def start(node, seconds=START_SECONDS):
    """Start one node and wait until it runs (a node alone: the others run)."""
    launch(node)
    if not await_running(node, seconds):
        raise RuntimeError(f"{node} did not start within {seconds} s: see {cluster_dir() / node / 'log'}")


def alive(pid):
    """Whether ``pid`` runs (a zombie does not: PID 1 here may never reap it)."""
    if not pid:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def pid_of(node):
    path = cluster_dir() / node / "rabbit.pid"
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def kill(node):
    """``kill -9`` the node's Erlang VM: no goodbye to the cluster."""
    pid = pid_of(node)
    if alive(pid):  # not a stale file's pid, which may be another process's by now
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 20
        while (answers(NODES[node]) or alive(pid)) and time.monotonic() < deadline:
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


def whole():
    """Whether every node runs, clustered, and no partition is on record."""
    return not partitions() and len(running_nodes()) == len(NODES)


def heal(node, seconds=90, say=print):
    """Wait for RabbitMQ to heal the partition that cut ``node`` off
    (``pause_minority``: it pauses, then rejoins). A paused node that has
    not rejoined in ``seconds`` (seen on a loaded machine: it stays paused
    after its links are back) gets what the runbook tells an operator to do,
    a restart of the minority node; returns how the cluster became whole."""
    if _wait(whole, seconds):
        return "healed by RabbitMQ"
    say(f"[cluster] {node} has not rejoined in {seconds} s (partitions {partitions()}, running "
        f"{running_nodes()}): restarting it, as an operator would")
    kill(node)
    start(node)
    if _wait(whole, seconds):
        return f"healed by restarting {node}"
    raise RuntimeError(f"the cluster is not whole {seconds} s after restarting {node}: partitions {partitions()}, "
                       f"running {running_nodes()}")


def _wait(predicate, seconds, interval=1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def boot_together(nodes, seconds, say):
    """Launch every node of ``nodes`` at once, then wait for all of them: a
    node restarted after a full stop waits for the tables of the last one
    stopped, so one started alone can wait forever. Returns those that failed."""
    for node in nodes:
        if alive(pid_of(node)) and not answers(NODES[node]):
            kill(node)  # a VM left booting (or stuck waiting for tables) by an earlier run
        say(f"[cluster] starting {node} on 127.0.0.1:{NODES[node]}")
        launch(node)
    results = dict.fromkeys(nodes, False)  # a thread that dies (a ctl timing out) leaves its node failed
    threads = [threading.Thread(target=lambda n=node: results.__setitem__(n, await_running(n, seconds)))
               for node in nodes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [node for node in nodes if not results[node]]


def rejoin(node, member, say):
    """Wipe ``node``'s state and join it to the running ``member`` afresh."""
    say(f"[cluster] {node} cannot rejoin with its saved state: resetting it and joining {member}")
    kill(node)
    deadline = time.monotonic() + 30
    while True:  # the member may not have seen the node go yet; until it forgets, the node's old self lingers
        forgotten = ctl(member, "forget_cluster_node", node_name(node), check=False, status=True)
        if forgotten or node_name(node) not in cluster_members(member) or time.monotonic() > deadline:
            break
        time.sleep(1)
    shutil.rmtree(cluster_dir() / node / "mnesia", ignore_errors=True)
    start(node)
    join(node, member)


def join(node, member):
    ctl(node, "stop_app")
    ctl(node, "reset")
    ctl(node, "join_cluster", node_name(member))
    ctl(node, "start_app")


def up(say=print, fresh=False):
    """Start the cluster from whatever state it was left in (``fresh``: from none)."""
    cluster_dir().mkdir(parents=True, exist_ok=True)
    if fresh:
        reset(say)
    deadline = time.monotonic() + START_SECONDS
    for node, port in NODES.items():
        if answers(port):
            say(f"[cluster] {node} already answers on {port}")
    failed = boot_together([n for n, port in NODES.items() if not answers(port)], START_SECONDS / 2, say)
    running = [n for n in NODES if n not in failed]
    if not running:
        for node in failed:
            kill(node)
        raise ClusterUnrecoverable(
            f"no node of the cluster in {cluster_dir()} can start from its saved state (logs in */log there): "
            "`make cluster-reset` starts a fresh cluster")
    for node in failed:
        rejoin(node, running[0], say)
    members = running_nodes()
    for node in NODES:
        if node_name(node) not in members:
            say(f"[cluster] {node} joins {running[0]}")
            join(node, running[0])
    if len(running_nodes()) != len(NODES) or time.monotonic() > deadline:
        raise RuntimeError(f"the cluster is not whole after `up`: running {running_nodes()}")
    say(f"[cluster] running: {', '.join(running_nodes())}; management on http://127.0.0.1:{MANAGEMENT_PORT}")
    say(f"[cluster] AMQP_URI='{amqp_uri()}'")


def down(say=print, order=None):
    """Stop every node (in ``order``, default obs3, obs2, obs1), whatever was
    killed before: the state left boots again with `up`, which starts all
    the nodes together."""
    for node in order or reversed(NODES):
        port = NODES[node]
        if answers(port) or alive(pid_of(node)):
            say(f"[cluster] stopping {node}")
            ctl(node, "stop", timeout=120, check=False)
            if answers(port) or alive(pid_of(node)):
                kill(node)
    say("[cluster] down (data kept in %s; `make cluster-reset` for a fresh cluster)" % cluster_dir())


def reset(say=print):
    """Stop every node and forget the cluster's state (the cookie stays)."""
    for node in NODES:
        if alive(pid_of(node)) or answers(NODES[node]):
            kill(node)
        shutil.rmtree(cluster_dir() / node, ignore_errors=True)
    say(f"[cluster] state removed from {cluster_dir()}")


def main():
    parser = argparse.ArgumentParser(description="a local three-node RabbitMQ cluster")
    parser.add_argument("command", choices=["up", "down", "reset", "status", "kill", "start", "partition"])
    parser.add_argument("node", nargs="?", choices=list(NODES))
    parser.add_argument("--fresh", action="store_true", help="with up: forget the saved state first")
    args = parser.parse_args()
    if args.command == "up":
        try:
            up(fresh=args.fresh)
        except ClusterUnrecoverable as error:
            sys.exit(f"[cluster] {error}")
    elif args.command == "reset":
        up(fresh=True)
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
