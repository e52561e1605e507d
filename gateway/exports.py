"""Open-data exports of the published answers (pure functions): CSV, the
SDMX-CSV layout (STRUCTURE, STRUCTURE_ID, ACTION, the dimensions,
TIME_PERIOD, OBS_VALUE, then observation attributes), and an iCalendar feed
of dataset releases."""
import csv
import datetime as dt
import io
import math

from icalendar import Calendar, Event

from observatory.errors import NonFiniteFigure
from observatory.vocabulary import RPW_INDICATOR_CODES as INDICATORS, SERIES, SERIES_LABELS

AGENCY = "OBSERVATORY"
CORRIDOR_FLOW = f"{AGENCY}:RPW_CORRIDOR_COST(1.0)"
INDICATOR_FLOW = f"{AGENCY}:RPW_INDICATORS(1.0)"
FLOWS_FLOW = f"{AGENCY}:REMITTANCE_FLOWS(1.0)"
ATTRIBUTION = "The World Bank, Remittance Prices Worldwide; KNOMAD/World Bank; WDI (CC BY 4.0)"


def sdmx_period(period):
    """2014Q1 → 2014-Q1 (SDMX); a year stays a year."""
    return f"{period[:4]}-{period[4:]}" if len(period) == 6 and period[4] == "Q" else str(period)


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


def _sdmx(flow, dimensions, attributes, observations):
    """``observations``: (dimension values, TIME_PERIOD, OBS_VALUE, attribute values)."""
    header = ["STRUCTURE", "STRUCTURE_ID", "ACTION", *dimensions, "TIME_PERIOD", "OBS_VALUE", *attributes]
    return _write(header, [["dataflow", flow, "I", *dims, time_period, value, *attrs]
                           for dims, time_period, value, attrs in observations])


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


def corridors_csv(items):
    return _write(["source", "destination", "period", "series", "average_total_cost_pct", "headline",
                   "quotes_transparent", "provenance"],
                  [[s, d, p, series, value, str(headline).lower(), "" if quotes is None else quotes,
                    SERIES_LABELS[series]] for s, d, p, series, value, headline, quotes in corridor_observations(items)])


def corridors_sdmx(items):
    return _sdmx(CORRIDOR_FLOW, ["FREQ", "SOURCE_AREA", "DEST_AREA", "SERIES"],
                 ["UNIT_MEASURE", "HEADLINE", "QUOTES_TRANSPARENT", "PROVENANCE"],
                 [(["Q", s, d, series.upper()], sdmx_period(p), value,
                   ["PT", str(headline).lower(), "" if quotes is None else quotes, SERIES_LABELS[series]])
                  for s, d, p, series, value, headline, quotes in corridor_observations(items)])


# -- indicators ----------------------------------------------------------------------

def indicators_csv(answers):
    return _write(["period", *INDICATORS, "weight_year", "quotes_transparent", "corridors"],
                  [[a["period"], *["" if a.get(f) is None else a[f] for f in INDICATORS],
                    a.get("weight_year") or "", a.get("quotes_transparent", ""), a.get("corridors", "")]
                   for a in answers])


def indicators_sdmx(answers):
    return _sdmx(INDICATOR_FLOW, ["FREQ", "INDICATOR"], ["UNIT_MEASURE", "WEIGHT_YEAR", "PROVENANCE"],
                 [(["Q", code], sdmx_period(a["period"]), a[field],
                   ["PT", a.get("weight_year") or "" if field == "global_weighted_average_pct" else "",
                    "computed from World Bank RPW provider quotes (transparent, USD 200)"])
                  for a in answers for field, code in INDICATORS.items() if a.get(field) is not None])


# -- country flows ---------------------------------------------------------------------

def flow_observations(profile):
    iso3 = profile["country"]["iso3"]
    for indicator, series in sorted((profile.get("series") or {}).items()):
        for year, value in sorted((series.get("values") or {}).items()):
            if value is not None:
                yield iso3, indicator, str(year), value, series.get("unit", ""), series.get("source", "")


def flows_csv(profile):
    return _write(["iso3", "indicator", "year", "value", "unit", "source"], list(flow_observations(profile)))


def flows_sdmx(profile):
    return _sdmx(FLOWS_FLOW, ["FREQ", "REF_AREA", "INDICATOR"], ["UNIT_MEASURE", "PROVENANCE"],
                 [(["A", iso3, indicator.upper()], year, value, [unit, source])
                  for iso3, indicator, year, value, unit, source in flow_observations(profile)])


# -- the LDC lens ---------------------------------------------------------------------------

LDC_COLUMNS = ["iso3", "name", "cost_pct", "period", "inflows_usd_m", "inflows_year", "inflows_source", "kept_usd_m"]
LDC_COLUMNS += ["series", "corridors", "period_end", "age_days"]  # the cost's series and quality flags (issue 20)


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
