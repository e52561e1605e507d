"""What the gateway's policy analysis (issue 20) reads from ingest: every
corridor figure of every series, as plain rows, for the corridors into or
out of a set of countries; one call instead of a history per corridor,
as published now or at ``as_of`` (one vintage only)."""
from services.ingest import as_of as vintage


def corridor_figures(store, iso3s=None, as_of=None):
    """``[{"source", "destination", "period", "series", "value", "quotes_total",
    "quotes_transparent"}]``: each corridor-period of the observed, official
    and derived series (never blended) whose sending or receiving country is
    in ``iso3s`` (every corridor when ``iso3s`` is empty), as published at
    ``as_of`` (default: now)."""
    view = vintage.published(store, as_of)
    wanted = set(iso3s or ())

    def kept(key):
        source, destination = key.split(":")
        return not wanted or source in wanted or destination in wanted

    rows = []
    for period, state in view.states().items():
        for key, entry in state.get("corridors", {}).items():
            if kept(key):
                rows.append(_row(key, period, "observed", entry))
    for series in ("official", "derived"):
        for key, by_period in view.series_averages(series).items():
            if kept(key):
                rows.extend(_row(key, period, series, {"average_total_cost_pct": value})
                            for period, value in by_period.items())
    return [r for r in rows if r["value"] is not None]


def _row(key, period, series, entry):
    source, destination = key.split(":")
    return {"source": source, "destination": destination, "period": period, "series": series,
            "value": entry.get("average_total_cost_pct"), "quotes_total": entry.get("quotes_total"),
            "quotes_transparent": entry.get("quotes_transparent")}
