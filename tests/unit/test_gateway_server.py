"""The gateway server's bounds as configured, and its count of connections
per address (gateway/server.py); the bounds at work are in
tests/integration/test_slow_clients.py."""
import pytest
from nameko.exceptions import ConfigurationError

from gateway.server import ByteBudget, ClientBounds, ConnectionsPerAddress


def test_the_bounds_come_from_the_config_with_defaults():
    assert ClientBounds.from_config({}) == ClientBounds()
    bounds = ClientBounds.from_config({"HTTP_HEAD_TIMEOUT_SECONDS": "2.5", "HTTP_IDLE_TIMEOUT_SECONDS": 4,
                                       "HTTP_BODY_IDLE_TIMEOUT_SECONDS": "6", "HTTP_MAX_CONNECTIONS_PER_ADDRESS": "3"})
    assert bounds == ClientBounds(head_seconds=2.5, idle_seconds=4.0, body_idle_seconds=6.0,
                                  max_connections_per_address=3)
    for off in ("off", False, 0):  # nameko's config loads ${VAR:off} as YAML: False
        assert ClientBounds.from_config({"HTTP_MAX_CONNECTIONS_PER_ADDRESS": off}).max_connections_per_address is None


@pytest.mark.parametrize("key, value", [
    ("HTTP_HEAD_TIMEOUT_SECONDS", "0"), ("HTTP_IDLE_TIMEOUT_SECONDS", "-1"), ("HTTP_BODY_IDLE_TIMEOUT_SECONDS", "nan"),
    ("HTTP_HEAD_TIMEOUT_SECONDS", "inf"), ("HTTP_HEAD_TIMEOUT_SECONDS", "ten"),
    ("HTTP_MAX_CONNECTIONS_PER_ADDRESS", "-2"), ("HTTP_MAX_CONNECTIONS_PER_ADDRESS", "2.5")])
def test_a_bound_that_bounds_nothing_is_refused_at_setup(key, value):
    with pytest.raises(ConfigurationError, match=key):
        ClientBounds.from_config({key: value})


def test_connections_are_counted_per_address_and_released():
    connections = ConnectionsPerAddress(2)
    assert connections.admit("10.0.0.1") and connections.admit("10.0.0.1")
    assert not connections.admit("10.0.0.1")
    assert connections.admit("10.0.0.2")
    connections.release("10.0.0.1")
    assert connections.admit("10.0.0.1") and not connections.admit("10.0.0.1")
    assert connections.refused == {"10.0.0.1": 2}  # what the warning in the log counts
    for _ in range(2):
        connections.release("10.0.0.1")
    connections.release("10.0.0.2")
    assert connections.open == {} and connections.refused == {}


def test_without_a_limit_every_connection_is_admitted():
    connections = ConnectionsPerAddress(None)
    assert all(connections.admit("10.0.0.1") for _ in range(1000))


def test_prefetched_bytes_stay_within_their_budget():
    budget = ByteBudget(1000)
    assert budget.take(600) and not budget.take(401) and budget.take(400)
    assert not budget.take(1)
    budget.give(600)
    assert budget.take(600) and budget.held == 1000
