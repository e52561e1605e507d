"""Every message notify sends out, each built here once: the webhook body,
the digest (as a webhook body and as an email title), the email, and the
feed entry a subscriber reads.

Notify emits no bus events (observatory/contracts/events.py declares none
for it): what it builds goes to subscribers, in the shapes of DESIGN §7.
"""
import html
import json
from email.message import EmailMessage

from observatory.clock import iso, utcnow

SUBJECTS = {
    "corridor.cost.threshold_crossed": "A corridor crossed your cost threshold",
    "corridor.cost.changed": "A corridor's cost changed",
    "dataset.published": "New data published",
    "provider.registered": "A new provider",
    "provider.updated": "A provider entry changed",
    "practice.published": "A new practice in the library",
    "request.published": "A member state asks its peers",
    "plan.target.changed": "A national remittance plan's target was met or slipped",
}
SUBJECTS["national.published"] = "A member state published national remittance statistics"
ATTRIBUTION = "Remittances Observatory. Data: The World Bank, Remittance Prices Worldwide."


def _carried(notification):
    return {"id": notification["_id"], "type": notification["type"], "occurred_at": notification["occurred_at"],
            "data": notification["data"]}


def webhook_body(message):
    """The signed bytes: ``{"id", "type", "occurred_at", "data"}``, compact
    JSON (``message``: a notification, or a digest from ``digest_message``)."""
    return json.dumps(_carried(message), separators=(",", ":"), default=str).encode()


def digest_message(delivery, carried):
    """A digest delivery as one message: its window, and the notifications it
    carries (oldest first), under the delivery's id."""
    digest = delivery["digest"]
    return {"_id": delivery["_id"], "type": "digest", "occurred_at": digest["to"],
            "data": {**digest, "notifications": [_carried(n) for n in carried]}}


def digest_title(delivery, carried):
    digest = delivery["digest"]
    return f"Your {digest['cadence']} digest ({digest['period']}): {len(carried)} alert(s)"


def describe(notification):
    """One line a person reads first."""
    data = notification["data"]
    if notification["type"] == "corridor.cost.threshold_crossed":
        side = "above" if data["direction"] == "up" else "at or below"
        return (f"{data['source']} → {data['destination']}: {data['average_total_cost_pct']:.2f} % "
                f"in {data['period']}, {side} {data['threshold_pct']:g} % "
                f"(was {data['previous_average_total_cost_pct']:.2f} % in {data['previous_period']})")
    if notification["type"] == "corridor.cost.changed":
        return (f"{data['source']} → {data['destination']} in {data['period']}: average "
                f"{data.get('average_total_cost_pct')} % (previous period {data.get('previous_period_average_pct')} %)")
    return f"{SUBJECTS.get(notification['type'], notification['type'])}: {json.dumps(data, default=str)[:300]}"


def email(sender, to, notifications, title=None):
    """The email of ``notifications``: a plain-text and an HTML body."""
    title = title or (SUBJECTS.get(notifications[0]["type"], "Remittances Observatory alert") if len(notifications) == 1
                      else f"{len(notifications)} alerts from the Remittances Observatory")
    lines = [describe(n) for n in notifications]
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = title, sender, to
    message.set_content("\n".join([title, "", *[f"- {line}" for line in lines], "", ATTRIBUTION]))
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    message.add_alternative(f"<html><body><h1>{html.escape(title)}</h1><ul>{items}</ul>"
                            f"<p>{ATTRIBUTION}</p></body></html>", subtype="html")
    return message


def feed_entry(notification):
    """A notification as the subscriber's feed lists it."""
    return {"id": notification["_id"], "subscription_id": notification["subscription_id"],
            "type": notification["type"], "occurred_at": notification.get("occurred_at"),
            "data": notification.get("data", {}), "created_at": iso(notification["created_at"])}


# -- scheduled exports (issue 21) ------------------------------------------------
def export_webhook_body(run_id, export, filename, text):
    """A scheduled export's webhook body: ``{"id", "type": "export.delivered", "occurred_at", "data"}``,
    the file in ``data.content`` (signed with the rest)."""
    return webhook_body({"_id": run_id, "type": "export.delivered", "occurred_at": iso(utcnow()), "data": {
        "export_id": export["_id"], "name": export["name"], "dataflow": export["content"]["dataflow"],
        "format": export["content"].get("format", "csv"), "corridors": export["content"].get("corridors"),
        "filename": filename, "media_type": "text/csv", "content": text, "attribution": ATTRIBUTION}})


def export_email(sender, to, export, filename, text):
    """A scheduled export by email: a short text, the file attached."""
    message = EmailMessage()
    message["Subject"] = f"Your scheduled export: {export['name']}"
    message["From"], message["To"] = sender, to
    message.set_content("\n".join([f"Your {export['cadence']} export \"{export['name']}\" is attached ({filename}).",
                                   "", ATTRIBUTION]))
    message.add_attachment(text.encode("utf-8"), maintype="text", subtype="csv", filename=filename)
    return message
