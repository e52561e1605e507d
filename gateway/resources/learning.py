"""Learning resources and events: one call to the catalog each, acting as
the caller; the events feed is rendered here with ``icalendar``."""
import datetime as dt

from icalendar import Calendar, Event
from werkzeug.wrappers import Response

from gateway.resources.members import acting
from gateway.routes.table import API, Reply


def _when(value):
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def resources_ics(events, base_url):
    """The catalog's calendar events (published workshops and webinars with dates) as iCalendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//Remittances Observatory//learning events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Remittances Observatory: workshops and webinars")
    for item in events:
        event = Event()
        event.add("uid", item["uid"])
        event.add("dtstamp", _when(item["start"]))
        event.add("dtstart", _when(item["start"]))
        event.add("dtend", _when(item["end"]))
        event.add("summary", item["summary"])
        url = item["url"]
        event.add("url", url if url.startswith("http") else base_url + url)
        calendar.add_component(event)
    return calendar.to_ical()


class Learning:
    def __init__(self, catalog):
        self.catalog = catalog

    def list_resources(self, request, call):
        return self.catalog.list_resources(call.params, acting(call.principal))

    def create_resource(self, request, call):
        answer = self.catalog.create_resource(call.body, acting(call.principal))
        return Reply(answer, headers={"Location": f"{API}/resources/{answer['id']}"})

    def get_resource(self, request, call):
        return self.catalog.get_resource(call.path["resource_id"], acting(call.principal))

    def moderate_resource(self, request, call):
        return self.catalog.moderate_resource(call.path["resource_id"], call.body, acting(call.principal))

    def resources_calendar(self, request, call):
        body = resources_ics(self.catalog.resource_calendar(), request.host_url.rstrip("/"))
        return Response(body, mimetype="text/calendar", headers={
            "Content-Disposition": 'attachment; filename="learning-events.ics"', "Cache-Control": "no-cache"})
