"""The gateway's parts of national submissions: the change a national event
announces to the read model, the upcoming embargoed releases added to the
release calendar (times and who, never a figure),. The country page's
``national`` block is ``templates/_national.html``."""
import datetime as dt

from icalendar import Calendar, Event


def national_change(submission_id):
    return ("national", submission_id)


def change_announced(event_type, data):
    """``(key, once)`` for national.published / national.embargoed, else None."""
    if event_type in ("national.published", "national.embargoed"):
        return national_change((data or {}).get("submission_id")), False
    return None


def with_upcoming_releases(ics, upcoming, base_url):
    """The release calendar ``ics`` (bytes) with one event per embargoed national release to come."""
    calendar = Calendar.from_ical(ics)
    for release in upcoming:
        at = dt.datetime.fromisoformat(release["release_at"])
        event = Event()
        event.add("uid", f"national-{release['submission_id']}@remittances-observatory")
        event.add("dtstamp", at)
        event.add("dtstart", at)
        who = release.get("reporter_name") or release["reporter_id"]
        event.add("summary", f"National remittance statistics of {release['country']} ({who}): embargoed release")
        periods = release.get("periods") or []
        event.add("description", "\n".join(filter(None, [
            f"periods: {periods[0]} to {periods[-1]}" if periods else "",
            "submitted by " + who, "the figures are published at this time, not before"])))
        event.add("url", f"{base_url}/api/v1/countries/{release['country']}")
        calendar.add_component(event)
    return calendar.to_ical()



def national_sdmx_csv(ingest, iso3):
    """A country's published national observations as SDMX-CSV 2.0 (OBSERVATORY:NATIONAL_REMITTANCES(1.0))."""
    from gateway.sdmx.data_csv import csv_v2
    from observatory.sdmx.structures import DATAFLOWS, structure_of

    flow = DATAFLOWS["NATIONAL_REMITTANCES"]
    params = {"country": [iso3], "limit": 1000}
    observations, answer = [], ingest.national_observations(params)
    while True:
        observations.extend(answer["items"])
        if not answer.get("next_cursor"):
            break
        answer = ingest.national_observations({**params, "cursor": answer["next_cursor"]})
    return b"".join(csv_v2(flow, structure_of(flow.id), observations))
