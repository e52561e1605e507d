"""List and replay dead-lettered messages (operators).

    python -m observatory.deadletters list   [--limit N]
    python -m observatory.deadletters replay [--event-id ID ...]

Listing does not consume: the messages are read without ack on one channel and
return to the queue, in order, when the channel closes. Replay republishes a
message straight to the queue it died in (default exchange, routing key = queue
name), so only the handler that failed sees it again, with a fresh delivery
count; handlers are idempotent, so a replay never doubles an effect.
"""
import argparse
import json
import os
import sys

from kombu import Connection

from observatory.reliable_events import dead_letter_topology

DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"
# A message parked by its handler (``park``) carries these instead of the broker's x-death.
PARKED_QUEUE, PARKED_REASON = "x-parked-from-queue", "x-parked-reason"


def _describe(message):
    headers = message.headers or {}
    deaths = headers.get("x-death") or [{}]
    first = deaths[0]
    try:
        body = message.decode()
    except Exception:  # undecodable bodies are listed raw
        body = message.body.decode("utf-8", "replace") if isinstance(message.body, bytes) else message.body
    return {
        "event_id": body.get("event_id") if isinstance(body, dict) else None,
        "type": body.get("type") if isinstance(body, dict) else None,
        "queue": first.get("queue") or headers.get(PARKED_QUEUE),
        "reason": first.get("reason") or headers.get(PARKED_REASON),
        "routing_keys": list(first.get("routing-keys", [])),
        "deaths": int(first.get("count", 1)),
        "body": body,
    }


def park(amqp_uri, envelope, queue, reason):
    """Put ``envelope`` (the part of a message its handler could not apply)
    among the dead letters, naming the queue it came from and why: listed and
    replayed like the ones the broker dead-letters itself."""
    exchange, _ = dead_letter_topology()
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(envelope, exchange=exchange, serializer="json", delivery_mode=2, retry=True,
                                declare=[exchange], headers={PARKED_QUEUE: queue, PARKED_REASON: reason})


def _declare(channel):
    exchange, queue = dead_letter_topology()
    exchange.declare(channel=channel)
    queue.declare(channel=channel)
    return queue


def list_dead_letters(amqp_uri, limit=100):
    """Up to ``limit`` dead letters, oldest first, left in the queue."""
    found = []
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        try:
            queue = _declare(channel)(channel)
            while len(found) < limit:
                message = queue.get(no_ack=False, accept=["json"])
                if message is None:
                    break
                found.append(_describe(message))
        finally:
            channel.close()  # unacked messages go back to the queue, in order
    return found


def replay_dead_letters(amqp_uri, event_ids=None, limit=1000):
    """Republish dead letters to the queue each died in; all of them, or only
    those whose envelope ``event_id`` is in ``event_ids``. Returns the count."""
    wanted = set(event_ids) if event_ids else None
    replayed = 0
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        producer = conn.Producer(channel=channel)
        try:
            queue = _declare(channel)(channel)
            for _ in range(limit):
                message = queue.get(no_ack=False, accept=["json"])
                if message is None:
                    break
                described = _describe(message)
                if (wanted is not None and described["event_id"] not in wanted) or not described["queue"]:
                    continue  # left unacked: returns to the dead-letter queue
                headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith("x-")}
                producer.publish(message.body, exchange="", routing_key=described["queue"],
                                 headers=headers, content_type=message.content_type,
                                 content_encoding=message.content_encoding, delivery_mode=2)
                message.ack()
                replayed += 1
        finally:
            channel.close()
    return replayed


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m observatory.deadletters", description=__doc__.split("\n\n")[0])
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", DEFAULT_AMQP_URI))
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="show dead letters without removing them")
    listing.add_argument("--limit", type=int, default=100)
    replay = sub.add_parser("replay", help="send dead letters back to the queue they died in")
    replay.add_argument("--event-id", action="append", dest="event_ids")
    args = parser.parse_args(argv)
    if args.command == "list":
        json.dump(list_dead_letters(args.amqp_uri, args.limit), sys.stdout, indent=2, default=str)
        print()
    else:
        print(f"replayed {replay_dead_letters(args.amqp_uri, args.event_ids)} message(s)")


if __name__ == "__main__":
    main()
