"""The capacity-building pages (issue 21), rendered on the server like the
others (``gateway.pages``' environment and base template) from the same
answers the API gives the public: the learning library, the peer-learning
requests, a member institution, the plans of a country (a small block the
country page links), and the workspace shell (its script calls the API with
the member token kept in the tab, like the alerts page)."""
from urllib.parse import urlencode

from gateway.pages import render
from observatory.vocabulary import RESOURCE_KINDS

STATUS_WORDS = {"met": "met", "on_track": "on track", "off_track": "off track", "no_data": "no data yet"}


def _next_query(query, next_cursor):
    return urlencode({**query, "cursor": next_cursor}) if next_cursor else ""


def resource_library(answer, query):
    return render("resources.html", title="Learning resources and events", answer=answer, query=query,
                  kinds=RESOURCE_KINDS, next_query=_next_query(query, answer.get("next_cursor")))


def resource(entry):
    return render("resource.html", title=entry["title"], r=entry)


def request_list(items, query):
    return render("requests.html", title="Peer-learning requests", items=items, query=query)


def peer_request(entry, suggestions):
    return render("request.html", title=entry["title"], r=entry, s=suggestions)


def member(entry):
    return render("member.html", title=entry["name"], m=entry)


def country_plans(iso3, plans):
    return render("plans.html", title=f"National remittance plans: {iso3}", iso3=iso3, plans=plans,
                  words=STATUS_WORDS)


def workspace():
    return render("workspace.html", title="Your workspace")
