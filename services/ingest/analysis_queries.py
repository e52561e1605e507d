"""What the gateway's policy analysis (issue 20) reads from ingest: every
corridor figure of every series, as plain rows, for the corridors into or
out of a set of countries; one call instead of a history per corridor,
as published now or at ``as_of`` (one vintage only).

``analysis_inputs`` is everything the analysis computes from, as published
now or at ``as_of`` (one vintage, never mixed): the corridor figures, every
economy's flow series and the providers surveyed into and out of each
country. Given ``since`` (the release the caller already holds) it answers
only what the releases after it changed, so the gateway's cost of a new
release grows with what that release changed."""
from observatory.countries import countries
from services.ingest import as_of as vintage
from services.ingest.keys import corridor_key
from services.ingest.queries import _quote_view as quote_view

SERIES = ("official", "derived")
OBSERVED_KINDS = ("rpw-quotes", "bilateral-matrix")  # releases that switch observed period states
SERIES_KINDS = ("rpw-corridor-averages", "rpw-corridor-means")
FLOWS_KIND = "country-flows"
SIDES = {"receiving": "destination", "sending": "source"}


def corridor_figures(store, iso3s=None, as_of=None):
    """``[{"source", "destination", "period", "series", "value", "quotes_total",
    "quotes_transparent"}]``: each corridor-period of the observed, official
    and derived series (never blended) whose sending or receiving country is
    in ``iso3s`` (every corridor when ``iso3s`` is empty), as published at
    ``as_of`` (default: now)."""
    view = vintage.published(store, as_of)
    wanted = set(iso3s or ())

    def kept(row):
        return not wanted or row["source"] in wanted or row["destination"] in wanted

    rows = _observed_rows(view.states()) + _series_rows(view)
    return [r for r in rows if r["value"] is not None and kept(r)]


def _row(key, period, series, entry):
    source, destination = key.split(":")
    return {"source": source, "destination": destination, "period": period, "series": series,
            "value": entry.get("average_total_cost_pct"), "quotes_total": entry.get("quotes_total"),
            "quotes_transparent": entry.get("quotes_transparent")}


# -- everything the analysis needs, of one vintage ----------------------------------------------
def _observed_rows(states, periods=None):
    return [_row(key, period, "observed", entry) for period, state in states.items()
            if periods is None or period in periods for key, entry in state.get("corridors", {}).items()]


def _series_rows(view, periods=None):
    if periods is not None and not periods:
        return []
    rows = []
    for period, by_series in sorted(view.series_by_period(periods).items()):
        for series, corridors in by_series.items():
            if series in SERIES:
                rows.extend(_row(key, period, series, entry) for key, entry in corridors.items())
    return rows


def flow_records(view):
    """Every economy's flow series as ``{"iso3", "series", "source", "label", "values"}`` rows."""
    every = sorted(countries().by_iso3)
    return [{"iso3": iso3, "series": name, "source": entry.get("source") or name, "label": entry.get("label"),
             "values": {str(y): v for y, v in (entry.get("values") or {}).items()}}
            for iso3, series in sorted(view.country_series(every).items()) for name, entry in series.items()]


def surveyed_providers(store, states):
    """``{"receiving"|"sending": {iso3: {"value", "period", "series"}}}``: per country, the distinct
    providers (firms) quoted into it (or out of it) in its newest surveyed period."""
    newest = {direction: {} for direction in SIDES}  # direction -> iso3 -> (period, [(dataset id, corridor key)])
    for period, state in states.items():
        for key, entry in state.get("corridors", {}).items():
            source, destination = key.split(":")
            staged = (entry.get("dataset_id"), corridor_key(period, source, destination))
            for direction, iso3 in (("receiving", destination), ("sending", source)):
                held = newest[direction].get(iso3)
                if held is None or period > held[0]:
                    newest[direction][iso3] = held = (period, [])
                if held[0] == period:
                    held[1].append(staged)
    docs = store.publication.staged_docs({pair for by_country in newest.values()
                                          for _, pairs in by_country.values() for pair in pairs})
    firms = {pair: {dict(zip(doc["quote_fields"], q))["firm"] for q in doc["quotes"]} for pair, doc in docs.items()}
    return {direction: {iso3: {"value": len(set().union(*(firms.get(p, set()) for p in pairs))),
                               "period": period, "series": "observed"}
                        for iso3, (period, pairs) in by_country.items()}
            for direction, by_country in newest.items()}


def _changed_since(store, since):
    """What the releases after ``since`` changed: ``{"observed": periods, "series": periods, "flows":
    bool}``, or None when it cannot be told (``since`` unknown, a release of an unknown kind)."""
    later = store.vintages.releases_after(since)
    if later is None:
        return None
    changed = {"observed": set(), "series": set(), "flows": False}
    for release in later:
        kind = release.get("kind")
        if kind in OBSERVED_KINDS:
            changed["observed"].update(release.get("periods_changed") or ())
        elif kind in SERIES_KINDS:
            changed["series"].update(release.get("periods_changed") or ())
        elif kind == FLOWS_KIND:
            changed["flows"] = True
        else:
            return None
    return changed


def analysis_inputs(store, as_of=None, since=None):
    """Everything the analysis computes from, now or at ``as_of`` (see the module's docstring):
    ``{"vintage", "complete", "figures", "flows", "providers"}``; with ``complete`` False (``since``
    given and understood) only the changes: ``figures`` are the rows of the ``observed_periods`` and
    ``series_periods`` named (replacing the caller's rows of those), ``flows`` and ``providers`` are
    None when unchanged."""
    view = vintage.published(store, as_of)
    changed = _changed_since(store, since) if since and as_of is None else None
    states = view.states()
    if changed is None:
        return {"vintage": view.vintage, "complete": True, "since": None,
                "figures": [r for r in _observed_rows(states) + _series_rows(view) if r["value"] is not None],
                "flows": flow_records(view), "providers": surveyed_providers(store, states)}
    observed, series = sorted(changed["observed"]), sorted(changed["series"])
    rows = _observed_rows(states, set(observed)) + _series_rows(view, series)
    return {"vintage": view.vintage, "complete": False, "since": since, "observed_periods": observed,
            "series_periods": series, "figures": [r for r in rows if r["value"] is not None],
            "flows": flow_records(view) if changed["flows"] else None,
            "providers": surveyed_providers(store, states) if observed else None}


def corridor_quotes(store, corridors, as_of=None):
    """``{"PERIOD:SRC:DST": [quote]}``: the published observed quotes of many corridor-periods at once
    (``corridors``: ``[period, source, destination]`` triples; one query for the states, one for the
    quotes), each quote as the corridor answer shows it; corridor-periods not published are left out.
    A brief's scorecards read them in one call instead of a corridor answer each."""
    view = vintage.published(store, as_of)
    wanted = {corridor_key(*c) for c in corridors}
    periods = view.periods()
    states = store.publication.load_states([periods[p] for p in {k.split(":")[0] for k in wanted} if p in periods])
    pairs = {}
    for key in wanted:
        period, source, destination = key.split(":")
        entry = (states.get(period) or {}).get("corridors", {}).get(f"{source}:{destination}")
        if entry and entry.get("dataset_id"):
            pairs[(entry["dataset_id"], key)] = key
    found = {}
    for (dataset_id, key), doc in store.publication.staged_docs(list(pairs)).items():
        quotes = (quote_view(dict(zip(doc["quote_fields"], q)), dataset_id) for q in doc["quotes"])
        found[key] = sorted(quotes, key=lambda q: (not q["counted_in_average"], q["total_cost_pct"]))
    return found
