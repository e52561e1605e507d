"""DESIGN §6 on the real RabbitMQ: at-least-once delivery with one net effect."""
import subprocess

import eventlet
import pytest
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_hook
from nameko.testing.utils import get_container

from observatory.deadletters import list_dead_letters, replay_dead_letters
from observatory.events import new_event
from tests.conftest import wait_for
from tests.integration.reliability_app import ATTEMPTS, Behaviour, Consumer, Counter, Producer, Tally, reset_behaviour

pytestmark = pytest.mark.broker

HANDLER_QUEUE = "evt-producer-counter.bumped--consumer.on_bumped"


@pytest.fixture(autouse=True)
def behaviour():
    reset_behaviour()
    yield Behaviour
    reset_behaviour()


def tally(counter_id):
    doc = Tally.objects(id=counter_id).first()
    return doc.seen if doc else 0


def test_a_redelivered_event_changes_state_once(runner_factory, rabbit_config):
    runner_factory(rabbit_config, Consumer).start()
    dispatch = event_dispatcher(rabbit_config)
    event = new_event("counter.bumped", "producer", {"counter_id": "c1"})
    dispatch("producer", "counter.bumped", event)
    dispatch("producer", "counter.bumped", event)  # the broker redelivers
    dispatch("producer", "counter.bumped", new_event("counter.bumped", "producer", {"counter_id": "c1"}))
    wait_for(lambda: len(Behaviour.deliveries) == 3, what="three deliveries")
    assert Behaviour.deliveries.count(event["event_id"]) == 2
    assert tally("c1") == 2  # two distinct events, not three deliveries


def test_state_and_event_are_written_together_and_published(runner_factory, rabbit_config):
    runner = runner_factory(rabbit_config, Producer, Consumer)
    runner.start()
    with entrypoint_hook(get_container(runner, Producer), "bump") as bump:
        event_id = bump("c1")
    wait_for(lambda: tally("c1") == 1, what="the consumer to apply the event")
    assert Behaviour.deliveries == [event_id]
    assert Counter.objects.get(id="c1").outbox == []  # marked sent


def _rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)


def test_an_event_emitted_while_the_broker_is_down_is_delivered_after_it_returns(runner_factory, rabbit_config):
    from nameko.testing import rabbit

    runner = runner_factory(rabbit_config, Producer, Consumer)
    runner.start()
    producer = get_container(runner, Producer)
    _rabbitmqctl("stop_app")
    try:
        with entrypoint_hook(producer, "bump") as bump:
            event_id = bump("c1")  # must not raise: the event waits in the outbox
        counter = Counter.objects.get(id="c1")
        assert counter.value == 1
        assert [e["event_id"] for e in counter.outbox] == [event_id]
        eventlet.sleep(3)  # the relay tries (and fails) meanwhile
        assert tally("c1") == 0
    finally:
        _rabbitmqctl("start_app")
        _rabbitmqctl("await_startup")
    wait_for(lambda: tally("c1") == 1, timeout=60, what="delivery after the broker came back")
    wait_for(lambda: Counter.objects.get(id="c1").outbox == [], what="the outbox to be marked sent")
    assert set(Behaviour.deliveries) == {event_id}
    # management API back before the vhost fixture tears down
    wait_for(lambda: _management_up(rabbit), timeout=60, what="the management API")


def _management_up(rabbit):
    try:
        import requests
        return requests.get("http://127.0.0.1:15672/api/overview", auth=("guest", "guest"), timeout=2).ok
    except Exception:
        return False


def test_a_handler_that_always_fails_is_dead_lettered_after_its_attempts(runner_factory, rabbit_config):
    Behaviour.fail = True
    runner_factory(rabbit_config, Consumer).start()
    event = new_event("counter.bumped", "producer", {"counter_id": "c1"})
    event_dispatcher(rabbit_config)("producer", "counter.bumped", event)

    dead = wait_for(lambda: list_dead_letters(rabbit_config["AMQP_URI"]), timeout=30, what="a dead letter")
    assert len(Behaviour.deliveries) == ATTEMPTS
    assert [(d["event_id"], d["queue"]) for d in dead] == [(event["event_id"], HANDLER_QUEUE)]
    assert tally("c1") == 0
    assert list_dead_letters(rabbit_config["AMQP_URI"]), "listing must not consume"

    # the operator fixes the cause and replays: applied once, dead-letter queue empty
    Behaviour.fail = False
    assert replay_dead_letters(rabbit_config["AMQP_URI"]) == 1
    wait_for(lambda: tally("c1") == 1, what="the replayed event to be applied")
    assert list_dead_letters(rabbit_config["AMQP_URI"]) == []
    assert len(Behaviour.deliveries) == ATTEMPTS + 1


def test_a_malformed_message_is_dead_lettered_at_once(runner_factory, rabbit_config):
    runner_factory(rabbit_config, Consumer).start()
    event_dispatcher(rabbit_config)("producer", "counter.bumped", {"counter_id": "no envelope"})
    dead = wait_for(lambda: list_dead_letters(rabbit_config["AMQP_URI"]), timeout=15, what="a dead letter")
    assert dead[0]["reason"] == "rejected" and dead[0]["body"] == {"counter_id": "no envelope"}
    assert Behaviour.deliveries == []


def test_a_container_killed_mid_handler_has_its_message_rerun_with_one_net_effect(container_factory, rabbit_config):
    Behaviour.block = eventlet.Event()
    first = container_factory(Consumer, rabbit_config)
    first.start()
    event = new_event("counter.bumped", "producer", {"counter_id": "c1"})
    event_dispatcher(rabbit_config)("producer", "counter.bumped", event)
    wait_for(lambda: tally("c1") == 1, what="the first container to apply the effect")

    first.kill()  # dies before acking
    Behaviour.block = None
    second = container_factory(Consumer, rabbit_config)
    second.start()
    wait_for(lambda: len(Behaviour.deliveries) == 2, what="the fresh container to re-run the message")
    assert Behaviour.deliveries == [event["event_id"], event["event_id"]]
    eventlet.sleep(0.5)
    assert tally("c1") == 1
