"""The published figures of each dataflow as SDMX observations: dicts of the
dimension ids, TIME_PERIOD, OBS_VALUE and the attributes, sorted by series key
then period, produced lazily from ingest's paged RPCs (one page of corridors
or economies held at a time, never the answer). A key that names a few
corridors or economies is pushed down into the RPCs (one call per value).

``sources.ingest`` is the RPC proxy; ``query`` a gateway.sdmx.query.DataQuery
whose ``selects`` / ``answer`` do the final filtering."""
from gateway.sdmx import corridor_costs, history, national, periods
from gateway.sdmx.errors import SdmxNotImplemented
from observatory.errors import NotFound, ServiceUnavailable
from observatory.sdmx import observations as shared
from observatory.sdmx.codelists import FLOW_SERIES, UNITS, indicator_unit
from observatory.vocabulary import RPW_INDICATOR_CODES, SERIES_LABELS

CORRIDOR_PAGE, QUOTE_PAGE, ECONOMY_PAGE = 200, 10, 50  # each page well within one RPC deadline
PAGE_ATTEMPTS = 3  # a page asked again when ingest misses a deadline mid-answer (a read: safe to repeat)
INDICATOR_FIELDS = {**RPW_INDICATOR_CODES, "corridors_without_smart": "CORRIDORS_WITHOUT_SMART"}
MATRIX_PROVENANCE = "KNOMAD/World Bank bilateral remittance matrix (model estimate)"


def rpc_options(query):
    """``as_of=`` for the ingest RPCs, only when the query has one (vintages)."""
    return {"as_of": query.as_of.isoformat()} if query.as_of is not None else {}


def ask(list_page, **params):
    """One page; asked again (PAGE_ATTEMPTS in all) when ingest misses its deadline."""
    for attempt in range(1, PAGE_ATTEMPTS + 1):
        try:
            return list_page(**params)
        except ServiceUnavailable:
            if attempt == PAGE_ATTEMPTS:
                raise


def page_answers(list_page, **params):
    """Every page of a cursor-paginated RPC, lazily."""
    answer = ask(list_page, **params)
    while True:
        yield answer
        if not answer.get("next_cursor"):
            return
        answer = ask(list_page, cursor=answer["next_cursor"], **params)


def quarters(query):
    """``first`` / ``last``: the quarters (2014Q1) the query's period range overlaps, when it has one."""
    bounds = {}
    for name, day in (("first", query.start), ("last", query.end)):
        if day is not None:
            bounds[name] = f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return bounds


def pages(list_page, **params):
    """Every item of a cursor-paginated RPC, page after page, lazily."""
    for answer in page_answers(list_page, **params):
        yield from answer["items"]


def _chosen(query, dimension_id):
    """The sorted values a key gives a dimension, or [None] (any)."""
    allowed = query.key[query.dsd.dimension_ids.index(dimension_id)]
    return sorted(allowed) if allowed is not None else [None]


def _wants(query, dimension_id, value):
    allowed = query.key[query.dsd.dimension_ids.index(dimension_id)]
    return allowed is None or value in allowed


# -- RPW_CORRIDOR_COST -------------------------------------------------------------------------

def corridor_observations(sources, query):
    """Ingest's series and the catalog's DECLARED one (gateway.sdmx.corridor_costs), merged corridor by corridor;
    a key's amounts are the writers' to select (query.answer)."""
    if not _wants(query, "FREQ", "Q"):
        return
    for source in _chosen(query, "SOURCE_AREA"):
        for destination in _chosen(query, "DEST_AREA"):
            selection = {"source": source, "destination": destination, **quarters(query)}
            observed = pages(sources.ingest.corridor_cost_page, limit=CORRIDOR_PAGE, **selection,
                             **rpc_options(query))
            declared = pages(sources.catalog.declared_cost_page, limit=CORRIDOR_PAGE, **selection) \
                if _wants(query, "SERIES", "DECLARED") else iter(())
            yield from corridor_costs.merged(observed, declared)


def declared_as_of(sources, query):
    """The catalog's DECLARED corridors as declared at the query's ``asOf`` (its kept versions of the prices),
    for the key's corridors and quarters; none when the key excludes the series."""
    if not (_wants(query, "FREQ", "Q") and _wants(query, "SERIES", "DECLARED")):
        return
    for source in _chosen(query, "SOURCE_AREA"):
        for destination in _chosen(query, "DEST_AREA"):
            yield from pages(sources.catalog.declared_cost_page, limit=CORRIDOR_PAGE, source=source,
                             destination=destination, **quarters(query), as_of=history.as_of_text(query))


# -- RPW_PRICES ----------------------------------------------------------------------------------

def _price_observations(item, fields):
    observations = []
    for entry in item["periods"]:
        observations += shared.price_observations(item["source"], item["destination"], entry["period"],
                                                  [dict(zip(fields, row)) for row in entry["rows"]])
    return sorted(observations, key=lambda o: tuple(o[k] for k in shared.ORDER))


def price_observations(sources, query):
    if not _wants(query, "FREQ", "Q"):
        return
    for source in _chosen(query, "SOURCE_AREA"):
        for destination in _chosen(query, "DEST_AREA"):
            for answer in page_answers(sources.ingest.published_quotes_page, limit=QUOTE_PAGE, source=source,
                                       destination=destination, **rpc_options(query)):
                for item in answer["items"]:
                    yield from _price_observations(item, answer["quote_fields"])


# -- RPW_INDICATORS ------------------------------------------------------------------------------

def indicator_observations(sources, query):
    """Every quarter's indicators (one RPC a quarter; a quarter's few figures kept), by indicator."""
    if not _wants(query, "FREQ", "Q"):
        return
    options = rpc_options(query)
    try:
        latest = sources.ingest.indicators(None, **options)
    except NotFound:  # no quotes published yet
        return
    quarters = [{f: a.get(f) for f in (*INDICATOR_FIELDS, "period", "weight_year")} for a in
                (sources.ingest.indicators(p, **options) for p in latest["available_periods"][:-1]
                 if _in_range(query, p))] + [latest]
    for field, code in sorted(INDICATOR_FIELDS.items(), key=lambda fc: fc[1]):
        if not _wants(query, "INDICATOR", code):
            continue
        for answer in quarters:
            if answer.get(field) is None:
                continue
            observation = {"FREQ": "Q", "INDICATOR": code, "TIME_PERIOD": answer["period"], "OBS_VALUE": answer[field],
                           "UNIT_MEASURE": indicator_unit(code), "OBS_STATUS": "A"}
            if code == "GLOBAL_WEIGHTED_AVG":
                observation["WEIGHT_YEAR"] = answer.get("weight_year")
            yield observation


def _in_range(query, period):
    covered = periods.span(period)
    return covered is not None and not (query.start and covered[1] < query.start) and \
        not (query.end and covered[0] > query.end)


# -- FLOWS ---------------------------------------------------------------------------------------

def _flow_observations(item):
    observations = []
    for name, series in (item.get("series") or {}).items():
        if name not in FLOW_SERIES:
            continue
        indicator, source = FLOW_SERIES[name]
        unit, multiplier = UNITS.get(series.get("unit"), (None, None))
        for year, value in (series.get("values") or {}).items():
            if value is not None:
                observations.append({"FREQ": "A", "REF_AREA": item["iso3"], "COUNTERPART_AREA": "WLD",
                                     "INDICATOR": indicator, "SOURCE": source, "TIME_PERIOD": str(year),
                                     "OBS_VALUE": value, "UNIT_MEASURE": unit, "UNIT_MULT": multiplier,
                                     "OBS_STATUS": "A"})
    for cell in item.get("matrix") or ():
        observations.append(shared.matrix_observation(cell["year"], cell["source"], item["iso3"],
                                                      cell["usd_millions"]))
    order = ("COUNTERPART_AREA", "INDICATOR", "SOURCE", "TIME_PERIOD")
    return sorted(observations, key=lambda o: tuple(o[k] for k in order))


def flow_observations(sources, query):
    if not _wants(query, "FREQ", "A"):
        return
    for iso3 in _chosen(query, "REF_AREA"):
        for item in pages(sources.ingest.flows_page, limit=ECONOMY_PAGE, iso3=iso3, **rpc_options(query)):
            yield from _flow_observations(item)


# -- NATIONAL_REMITTANCES --------------------------------------------------------------------------

def national_observations(sources, query):
    """National submissions (DESIGN §10): what reporting institutions published (gateway.sdmx.national)."""
    return national.observations(sources, query)


SOURCES = {"RPW_CORRIDOR_COST": corridor_observations, "RPW_PRICES": price_observations,
           "RPW_INDICATORS": indicator_observations, "FLOWS": flow_observations,
           "NATIONAL_REMITTANCES": national_observations}


_VERSION_FIELDS = ("ACTION", "validFrom", "validTo")


def _as_published(version):
    """A kept version as the answer of its time wrote it: information, not a change (no ACTION, no
    validity), with the attributes every published figure carries."""
    observation = {k: v for k, v in version.items() if k not in _VERSION_FIELDS}
    observation.setdefault("OBS_STATUS", "A")
    if "SERIES" in observation:
        observation.setdefault("PROVENANCE", SERIES_LABELS.get(str(observation["SERIES"]).lower()))
    return observation


def observations(sources, query):
    """The query's observations, lazily: the published figures it selects, or, for
    ``updatedAfter`` / ``includeHistory`` / ``asOf``, the versions ingest keeps
    (gateway.sdmx.history: every flow keeps them; the key's dimensions are selected by ingest's query).
    ``asOf`` on RPW_CORRIDOR_COST adds the DECLARED series as declared then (the catalog keeps its prices'
    versions); ``updatedAfter`` / ``includeHistory`` answer ingest's figures only, without DECLARED (the
    catalog's versions are no SDMX changes: no ACTION, no release)."""
    if history.wants_history(query):
        return query.answer(history.observations(query, sources))
    if query.as_of is not None:
        kept = map(_as_published, history.observations(query, sources))
        if query.flow.id == "RPW_CORRIDOR_COST":
            kept = corridor_costs.with_declared(kept, declared_as_of(sources, query), query.dsd.dimension_ids)
        return query.answer(kept)
    return query.answer(SOURCES[query.flow.id](sources, query))
