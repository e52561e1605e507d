"""Adapters of the notify service, configured at container setup from the
nameko config (``WEBHOOK_RETRY_SCHEDULE``, ``WEBHOOK_TIMEOUT_SECONDS``,
``WEBHOOK_ALLOW_PRIVATE_NETWORKS``, ``WEBHOOK_ALLOWED_NETWORKS``,
``NOTIFY_LEASE_SECONDS``, ``NOTIFY_MAX_IN_FLIGHT``, ``SMTP_*``)."""
import ipaddress
import socket
import uuid

from nameko.extensions import DependencyProvider

from services.notify import delivery, mail
from services.notify.addresses import AddressPolicy
from services.notify.delivery import DeliverySettings
from services.notify.inflight import InFlight
from services.notify.retries import DEFAULT_SCHEDULE


def _flag(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _schedule(value):
    if not value:
        return DEFAULT_SCHEDULE
    parts = value.split(",") if isinstance(value, str) else value
    return tuple(float(p) for p in parts)


def _networks(value):
    """``WEBHOOK_ALLOWED_NETWORKS``: comma-separated CIDRs let through the address checks."""
    parts = value.split(",") if isinstance(value, str) else (value or [])
    return tuple(ipaddress.ip_network(p.strip()) for p in parts if str(p).strip())


class Outbound:
    """What a worker gets: delivery settings, an SMTP sender, this
    instance's name, and its slots for attempts in flight (threads of the
    container: a container that is killed takes its attempts with it, like a
    killed process). The store is the worker's (``NotifyStore``), passed in."""

    def __init__(self, settings, smtp, worker, spawn):
        self.settings, self.smtp, self.worker = settings, smtp, worker
        self.in_flight = InFlight(settings.max_in_flight, spawn)

    def send_due(self, store):
        """Start what is due, as far as slots are free; returns at once."""
        return delivery.start_due(store, self.worker, self.settings, self.in_flight, self.send_email)

    def dispatch(self, store, delivery_ids):
        """Start an event's fresh deliveries now (the handler does not wait
        for receivers); what finds no free slot, the timer sends."""
        if delivery_ids:
            delivery.start_due(store, self.worker, self.settings, self.in_flight, self.send_email, ids=delivery_ids)

    def send_email(self, to, notifications, title=None):
        mail.send(self.smtp, to, notifications, title)


class OutboundConfig(DependencyProvider):
    def setup(self):
        config = self.container.config
        timeout = float(config.get("WEBHOOK_TIMEOUT_SECONDS") or 10)
        lease = float(config.get("NOTIFY_LEASE_SECONDS") or DeliverySettings.lease_seconds)
        settings = DeliverySettings(
            schedule=_schedule(config.get("WEBHOOK_RETRY_SCHEDULE")),
            timeout_seconds=timeout,
            lease_seconds=max(lease, timeout + 1),  # a claim outlives any attempt, or two could send at once
            addresses=AddressPolicy(allow_private=_flag(config.get("WEBHOOK_ALLOW_PRIVATE_NETWORKS") or "0"),
                                    allowed_networks=_networks(config.get("WEBHOOK_ALLOWED_NETWORKS"))),
            max_in_flight=int(config.get("NOTIFY_MAX_IN_FLIGHT") or delivery.MAX_IN_FLIGHT))
        smtp = mail.SmtpSettings(
            host=config.get("SMTP_HOST") or "127.0.0.1", port=int(config.get("SMTP_PORT") or 25),
            starttls=_flag(config.get("SMTP_STARTTLS") or "0"), use_ssl=_flag(config.get("SMTP_SSL") or "0"),
            username=config.get("SMTP_USERNAME") or None, password=config.get("SMTP_PASSWORD") or None,
            sender=config.get("SMTP_FROM") or mail.SmtpSettings.sender)
        self.outbound = Outbound(settings, smtp, f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}",
                                 self.container.spawn_managed_thread)

    def get_dependency(self, worker_ctx):
        return self.outbound


