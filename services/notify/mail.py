"""Alerts by email over SMTP (the message itself: ``messages.email``)."""
import dataclasses
import smtplib

from services.notify import messages


@dataclasses.dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    starttls: bool = False
    use_ssl: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "alerts@remittances-observatory.invalid"
    timeout: float = 10.0


def send_message(settings, message):
    """Send a prepared ``EmailMessage`` (alerts: ``messages.email``; a scheduled export: ``messages.export_email``)."""
    smtp_class = smtplib.SMTP_SSL if settings.use_ssl else smtplib.SMTP
    with smtp_class(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)


def send(settings, to, notifications, title=None):
    send_message(settings, messages.email(settings.sender, to, notifications, title))
