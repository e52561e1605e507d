"""The observatory's web pages, rendered on the server (Jinja2) from the same
answers the API publishes; charts are drawn in the browser by the vendored
Apache ECharts from a JSON data island, with every number also in a table."""
import functools
import mimetypes
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape

from gateway.ldc import TARGET_PCT, ldc_lens as lens_answer
from observatory.errors import NotFound
from observatory.vocabulary import PROVIDER_TYPES, SUBSCRIBER_EVENT_TYPES

WEB = Path(__file__).resolve().parent / "web"
STATIC = {"site.css": WEB / "static" / "site.css", "charts.js": WEB / "static" / "charts.js",
          "alerts.js": WEB / "static" / "alerts.js",
          "vendor/echarts/echarts.common.min.js": WEB / "vendor" / "echarts" / "echarts.common.min.js",
          "vendor/echarts/LICENSE": WEB / "vendor" / "echarts" / "LICENSE",
          "vendor/echarts/NOTICE": WEB / "vendor" / "echarts" / "NOTICE"}
STATIC["workspace.js"] = WEB / "static" / "workspace.js"  # the member workspace (issue 21)
STATIC["whatif.js"] = WEB / "static" / "whatif.js"  # the what-if page (issue 20)
SDG_LINES = [{"name": "SDG target 3 %", "value": 3}, {"name": "5 %", "value": 5}]


@functools.lru_cache(maxsize=1)
def environment():
    return Environment(loader=FileSystemLoader(WEB / "templates"), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def render(template, **context):
    return environment().get_template(template).render(**context).encode("utf-8")


@functools.lru_cache(maxsize=None)
def static_file(name):
    """(bytes, media type) of a file the pages use; NotFound for anything else."""
    path = STATIC.get(name)
    if path is None:
        raise NotFound("no such file", {"path": name})
    media = mimetypes.guess_type(path.name)[0] or "text/plain"
    return path.read_bytes(), media


def overview(quarters, corridors, newest=None, permalink=None, vintage=None, as_of=None):
    """``quarters``: the indicators of every quarter; ``corridors``: the latest quarter's corridor list;
    ``newest``: ``{"all": …, "ldc": …}`` (``gateway.analysis.newest_overview``), the headline when given;
    ``permalink``: the page pinned to its ``vintage``; ``as_of``: the time asked (the downloads keep it)."""
    latest = quarters[-1] if quarters else None
    trend = {"x": [q["period"] for q in quarters], "unit": "%", "lines": SDG_LINES, "series": [
        {"name": "global average", "values": [q.get("global_average_pct") for q in quarters]},
        {"name": "weighted by flows", "values": [q.get("global_weighted_average_pct") for q in quarters]},
        {"name": "to LDCs", "values": [q.get("ldc_average_pct") for q in quarters], "dashed": True}]}
    ranked = sorted((c for c in corridors if c.get("average_total_cost_pct") is not None),
                    key=lambda c: -c["average_total_cost_pct"])
    return render("overview.html", title="The cost of sending money home", latest=latest, quarters=quarters,
                  trend=trend, corridors=ranked, newest=newest, permalink=permalink, vintage=vintage,
                  pinned=_pinned_query(as_of))


def corridor(answer, history, permalink=None):
    items = history["items"]
    trend = {"x": [i["period"] for i in items], "unit": "%", "lines": SDG_LINES, "series": [
        {"name": "observed", "values": [i.get("observed_average_pct") for i in items]},
        {"name": "official (World Bank)", "values": [i.get("official_average_pct") for i in items]},
        {"name": "derived (third party)", "values": [i.get("derived_average_pct") for i in items], "dashed": True}]}
    return render("corridor.html", title=f"Sending from {answer['source']} to {answer['destination']}",
                  c=answer, history=items, trend=trend, permalink=permalink, vintage=answer.get("vintage"))


def country(profile, permalink=None, newest=None):
    """``newest``: the country's SDG answer (its newest costs, issue 20), headlined when given."""
    series = sorted((profile.get("series") or {}).items())
    years = years_with_data(series)
    groups = {}
    for key, s in series:  # one chart per unit: money in one, shares of GDP in another
        groups.setdefault(s.get("unit") or "", []).append((key, s))
    charts = [_flow_chart(number, unit, members) for number, (unit, members) in enumerate(sorted(groups.items()))]
    return render("country.html", title=f"{profile['country']['name']}: remittances", p=profile,
                  series=[(k, {**s, "values": {str(y): v for y, v in (s.get("values") or {}).items()}})
                          for k, s in series], years=years, charts=charts, permalink=permalink,
                  vintage=profile.get("vintage"), newest=newest)


def _flow_chart(number, unit, members):
    """One chart of the series of one unit; its axis spans the years those series have."""
    axis = years_with_data(members)
    return {"id": f"flows-{number}", "label": ", ".join(s.get("label", k) for k, s in members),
            "spec": {"x": axis, "unit": unit, "series": [
                {"name": s.get("label", k), "values": [(s.get("values") or {}).get(y) for y in axis]}
                for k, s in members]}}


def years_with_data(series):
    """The years from the first with a value in any series to the last (the axis starts at the data)."""
    years = sorted({int(y) for _, s in series for y, v in (s.get("values") or {}).items() if v is not None})
    return [str(y) for y in range(years[0], years[-1] + 1)] if years else []


def ldc_lens(profiles, newest=None, quote_counts=None, permalink=None, vintage=None, as_of=None):
    lens = lens_answer(profiles, newest, quote_counts)
    rows = lens["rows"]
    costed = [r for r in rows if r["cost_pct"] is not None]
    spec = {"x": [r["iso3"] for r in costed], "unit": "%", "lines": SDG_LINES, "series": [
        {"name": "average cost of sending to the country", "type": "bar", "values": [r["cost_pct"] for r in costed]}]}
    return render("ldc.html", title="The Least Developed Countries: what remittances cost them", rows=rows,
                  spec=spec, total=lens["total_kept_usd_m"], target=TARGET_PCT, aggregate=lens,
                  permalink=permalink, vintage=vintage, pinned=_pinned_query(as_of))


def _pinned_query(as_of):
    """The query that keeps a page's downloads at the vintage it shows (empty for now)."""
    return f"?{urlencode({'asOf': as_of})}" if as_of else ""


def _next_query(query, next_cursor):
    return urlencode({**{k: v for k, v in query.items() if k != "cursor"}, "cursor": next_cursor}) \
        if next_cursor else ""


def provider_directory(answer, query):
    return render("providers.html", title="Providers", answer=answer, query=query, types=PROVIDER_TYPES,
                  next_query=_next_query(query, answer.get("next_cursor")))


def provider(entry, declared):
    return render("provider.html", title=entry["name"], p=entry, declared=declared)


def practice_library(answer, query):
    return render("practices.html", title="Best practices", answer=answer, query=query,
                  next_query=_next_query(query, answer.get("next_cursor")))


def practice(entry):
    return render("practice.html", title=entry["title"], p=entry)


def error_page(status, body):
    """An HTML error for people: the same code and message as the JSON one, nothing internal."""
    return render("error.html", title=ERROR_TITLES.get(status, "Something went wrong"), status=status, body=body)


ERROR_TITLES = {400: "That request is not valid", 401: "A token is needed", 403: "Not allowed",
                404: "Not found", 429: "Too many requests", 503: "Temporarily unavailable"}


def open_data(answer):
    return render("data.html", title="Open data", releases=answer["items"],
                  more=answer["total"] if answer["total"] > len(answer["items"]) else None)


def alerts():
    return render("alerts.html", title="Alerts for member states", event_types=SUBSCRIBER_EVENT_TYPES)
