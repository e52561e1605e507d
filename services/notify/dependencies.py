"""Adapters of the notify service, configured at container setup from the
nameko config (``WEBHOOK_RETRY_SCHEDULE``, ``WEBHOOK_TIMEOUT_SECONDS``,
``WEBHOOK_ALLOW_PRIVATE_NETWORKS``, ``SMTP_*``)."""
import socket
import uuid

from nameko.extensions import DependencyProvider

from services.notify import delivery, mail, webhooks
from services.notify.delivery import DEFAULT_SCHEDULE, DeliverySettings


def _flag(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _schedule(value):
    if not value:
        return DEFAULT_SCHEDULE
    parts = value.split(",") if isinstance(value, str) else value
    return tuple(float(p) for p in parts)


class Outbound:
    """What a worker gets: delivery settings, an SMTP sender, pooled
    connections to receivers, and this instance's name."""

    def __init__(self, settings, smtp, worker, spawn):
        self.settings, self.smtp, self.worker = settings, smtp, worker
        self.session = webhooks.session()
        self._spawn = spawn

    def run_senders(self, count):
        """Run ``count`` senders of what is due at once as threads of the
        container (so a container that is killed takes its in-flight attempts
        with it, like a killed process) and wait for them."""
        for thread in [self._spawn(self._send_due) for _ in range(count)]:
            thread.wait()

    def _send_due(self):
        delivery.deliver_due(self.worker, self.settings, self.send_email, session=self.session)

    def dispatch(self, delivery_ids):
        """Send an event's fresh deliveries now, beside the handler (which
        need not wait for receivers); the timer is the safety net."""
        if delivery_ids:
            self._spawn(lambda: delivery.deliver_now(self.worker, self.settings, delivery_ids, self.send_email,
                                                     self.session))

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
            allow_private=_flag(config.get("WEBHOOK_ALLOW_PRIVATE_NETWORKS") or "0"))
        smtp = mail.SmtpSettings(
            host=config.get("SMTP_HOST") or "127.0.0.1", port=int(config.get("SMTP_PORT") or 25),
            starttls=_flag(config.get("SMTP_STARTTLS") or "0"), use_ssl=_flag(config.get("SMTP_SSL") or "0"),
            username=config.get("SMTP_USERNAME") or None, password=config.get("SMTP_PASSWORD") or None,
            sender=config.get("SMTP_FROM") or mail.SmtpSettings.sender)
        self.outbound = Outbound(settings, smtp, f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}",
                                 self.container.spawn_managed_thread)

    def get_dependency(self, worker_ctx):
        return self.outbound


