"""Alerts by email over SMTP: a plain-text and an HTML body per message."""
import dataclasses
import html
import json
import smtplib
from email.message import EmailMessage

SUBJECTS = {
    "corridor.cost.threshold_crossed": "A corridor crossed your cost threshold",
    "corridor.cost.changed": "A corridor's cost changed",
    "dataset.published": "New data published",
    "provider.registered": "A new provider",
    "provider.updated": "A provider entry changed",
    "practice.published": "A new practice in the library",
}


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


def describe(notification):
    """One line a person reads first."""
    data = notification["data"]
    if notification["type"] == "corridor.cost.threshold_crossed":
        return (f"{data['source']} → {data['destination']}: {data['average_total_cost_pct']:.2f} % in {data['period']}, "
                f"{'above' if data['direction'] == 'up' else 'at or below'} {data['threshold_pct']:g} % "
                f"(was {data['previous_average_total_cost_pct']:.2f} % in {data['previous_period']})")
    if notification["type"] == "corridor.cost.changed":
        return (f"{data['source']} → {data['destination']} in {data['period']}: average "
                f"{data.get('average_total_cost_pct')} % (previous period {data.get('previous_period_average_pct')} %)")
    return f"{SUBJECTS.get(notification['type'], notification['type'])}: {json.dumps(data, default=str)[:300]}"


def message(settings, to, notifications, title=None):
    title = title or (SUBJECTS.get(notifications[0]["type"], "Remittances Observatory alert") if len(notifications) == 1
                      else f"{len(notifications)} alerts from the Remittances Observatory")
    lines = [describe(n) for n in notifications]
    email = EmailMessage()
    email["Subject"], email["From"], email["To"] = title, settings.sender, to
    email.set_content("\n".join([title, "", *[f"- {line}" for line in lines], "",
                                 "Remittances Observatory. Data: The World Bank, Remittance Prices Worldwide."]))
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    email.add_alternative(f"<html><body><h1>{html.escape(title)}</h1><ul>{items}</ul>"
                          "<p>Remittances Observatory. Data: The World Bank, Remittance Prices Worldwide.</p>"
                          "</body></html>", subtype="html")
    return email


def send(settings, to, notifications, title=None):
    smtp_class = smtplib.SMTP_SSL if settings.use_ssl else smtplib.SMTP
    with smtp_class(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message(settings, to, notifications, title))
