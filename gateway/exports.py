"""Open-data exports of the published answers: CSV (pure functions), the
SDMX-CSV 1.0 views of the dataflows (the SDMX web service's own writer on its
own observation sources: the same ids, codes and digits), and an iCalendar
feed of dataset releases."""
import csv
import dataclasses
import datetime as dt
import io
import math

from icalendar import Calendar, Event

from gateway.sdmx.data_csv import csv_v1
from gateway.sdmx.observations import observations
from gateway.sdmx.query import data_query_21
from observatory.analysis.quality import period_age
from observatory.clock import instant, utcnow
from observatory.errors import NonFiniteFigure
from observatory.vocabulary import RPW_INDICATOR_CODES as INDICATORS, SERIES, SERIES_LABELS

ATTRIBUTION = "The World Bank, Remittance Prices Worldwide; KNOMAD/World Bank; WDI (CC BY 4.0)"


def sdmx_csv(sources, flow_id, key="all", as_of=None, **params):
    """The SDMX-CSV 1.0 view of a dataflow for a REST 2.1 key and parameters (bytes;
    the header line alone when nothing matches); ``as_of`` (ISO 8601 text): the figures
    as published then, as the SDMX 3.0 ``asOf`` answers them."""
    query = data_query_21(flow_id, key, params=params)
    if as_of is not None:
        query = dataclasses.replace(query, as_of=instant(as_of))
    return b"".join(csv_v1(query.flow, query.dsd, observations(sources, query)))


def corridors_sdmx(sources, period, as_of=None):
    """Every corridor's series (observed, official, derived) in one quarter (``2014Q1``)."""
    return sdmx_csv(sources, "RPW_CORRIDOR_COST", as_of=as_of, startPeriod=period, endPeriod=period)


def indicators_sdmx(sources, as_of=None):
    return sdmx_csv(sources, "RPW_INDICATORS", as_of=as_of)


def flows_sdmx(sources, iso3, as_of=None):
    """A country's flows: its totals (KNOMAD, WDI) and the bilateral matrix's estimates by sender."""
    return sdmx_csv(sources, "FLOWS", f"A.{iso3}...", as_of=as_of)


def _write(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(_finite(row, header))
    return out.getvalue().encode("utf-8")


def _finite(row, header):
    """The row, refused whole if a cell is inf or NaN (a CSV would print them as text)."""
    for index, cell in enumerate(row):
        if isinstance(cell, float) and not math.isfinite(cell):
            column = header[index] if index < len(header) else index
            raise NonFiniteFigure(f"a non-finite figure ({cell}) in column {column}: the export is refused",
                                  {"column": column})
    return row


# -- corridors ---------------------------------------------------------------------

def corridor_observations(items):
    """(source, destination, period, series, value, headline, quotes) for every series a corridor has."""
    for item in items:
        values = {"observed": item.get("average_total_cost_pct") if item.get("average_source") == "observed" else None,
                  "official": item.get("official_average_pct"), "derived": item.get("derived_average_pct")}
        for series in SERIES:
            if values[series] is not None:
                yield (item["source"], item["destination"], item["period"], series, values[series],
                       item.get("average_source") == series,
                       item.get("quotes_transparent") if series == "observed" else None)


# The quality flags of each row (issue 20 §2): the quote counts of an observed average, the age of its period.
QUALITY_COLUMNS = ["quotes", "quotes_non_transparent", "negative_fx_margins", "period_end", "age_days"]


def corridors_csv(items, quote_counts=None, today=None):
    """``quote_counts``: ``{(source, destination): counts}`` of the observed averages (ingest's
    ``corridor_quote_counts``), their columns left empty for the official and derived series."""
    counts = quote_counts or {}
    rows = []
    for s, d, p, series, value, headline, quotes in corridor_observations(items):
        age = period_age(p, today or utcnow().date())
        observed = counts.get((s, d), {}) if series == "observed" else {}
        rows.append([s, d, p, series, value, str(headline).lower(), "" if quotes is None else quotes,
                     SERIES_LABELS[series], *[_blank(observed.get(c)) for c in QUALITY_COLUMNS[:3]],
                     age["period_end"], age["age_days"]])
    return _write(["source", "destination", "period", "series", "average_total_cost_pct", "headline",
                   "quotes_transparent", "provenance", *QUALITY_COLUMNS], rows)


def _blank(value):
    return "" if value is None else value


# -- indicators ----------------------------------------------------------------------

def indicators_csv(answers, quote_counts=None, today=None):
    """``quote_counts``: ``{period: [counts of each corridor]}`` (``corridor_quote_counts``), summed
    into the quarter's quality columns; the weight vintage is ``weight_year``."""
    counts = quote_counts or {}
    rows = []
    for a in answers:
        age = period_age(a["period"], today or utcnow().date())
        mine = counts.get(a["period"])
        totals = [sum(c[k] for c in mine) if mine is not None else "" for k in QUALITY_COLUMNS[:3]]
        rows.append([a["period"], *["" if a.get(f) is None else a[f] for f in INDICATORS],
                     a.get("weight_year") or "", a.get("quotes_transparent", ""), a.get("corridors", ""),
                     *totals, age["period_end"], age["age_days"]])
    return _write(["period", *INDICATORS, "weight_year", "quotes_transparent", "corridors", *QUALITY_COLUMNS], rows)


# -- country flows ---------------------------------------------------------------------

def flow_observations(profile):
    iso3 = profile["country"]["iso3"]
    for indicator, series in sorted((profile.get("series") or {}).items()):
        for year, value in sorted((series.get("values") or {}).items()):
            if value is not None:
                yield iso3, indicator, str(year), value, series.get("unit", ""), series.get("source", "")


def flows_csv(profile):
    return _write(["iso3", "indicator", "year", "value", "unit", "source"], list(flow_observations(profile)))


# -- the LDC lens ---------------------------------------------------------------------------

LDC_COLUMNS = ["iso3", "name", "cost_pct", "period", "inflows_usd_m", "inflows_year", "inflows_source", "kept_usd_m"]
LDC_COLUMNS += ["series", "corridors", "period_end", "age_days"]  # the cost's series and quality flags (issue 20)
LDC_COLUMNS += ["quotes", "quotes_non_transparent", "negative_fx_margins"]  # an observed cost's quotes


def ldc_csv(rows):
    """The LDC lens's table: ``kept_usd_m`` is an estimate, inflows × (cost − 3 %)."""
    return _write(LDC_COLUMNS, [[row.get(c) if row.get(c) is not None else "" for c in LDC_COLUMNS] for row in rows])


# -- releases ---------------------------------------------------------------------------

def releases_ics(datasets, base_url):
    """One event per published dataset, at its publication time."""
    calendar = Calendar()
    calendar.add("prodid", "-//Remittances Observatory//dataset releases//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Remittances Observatory: dataset releases")
    for dataset in datasets:
        published = dataset.get("published_at") or dataset.get("finished_at")
        if not published:
            continue
        at = dt.datetime.fromisoformat(published)
        event = Event()
        event.add("uid", f"dataset-{dataset['id']}@remittances-observatory")
        event.add("dtstamp", at)
        event.add("dtstart", at)
        event.add("summary", f"{dataset['kind']} published: {dataset.get('filename') or dataset['id']}")
        periods = dataset.get("periods") or []
        event.add("description", "\n".join(filter(None, [
            f"rows accepted: {dataset.get('rows_accepted')}",
            f"periods: {periods[0]} to {periods[-1]}" if periods else "",
            f"sha256: {dataset.get('sha256')}", f"data: {ATTRIBUTION}"])))
        event.add("url", f"{base_url}/api/v1/datasets/{dataset['id']}")
        calendar.add_component(event)
    return calendar.to_ical()
