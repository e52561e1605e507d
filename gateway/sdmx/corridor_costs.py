"""The RPW_CORRIDOR_COST dataflow's observations from two services' pages of
corridors: ingest's (the observed, official and derived series, at USD 200
and USD 500) and the catalog's (the DECLARED series: what providers declared,
never part of an observed figure). Both page in (source, destination) order;
they are merged corridor by corridor, and each corridor's observations come
in series-key order (SERIES, AMOUNT, then TIME_PERIOD), so the writers group
each series into one run. An answer ``asOf`` a time merges the DECLARED series
declared then into ingest's kept versions, in their order (``with_declared``).
Plain functions over the pages' items."""
import heapq
import itertools

from gateway.sdmx.values import time_period
from observatory.sdmx.codelists import EXTRA_SERIES
from observatory.vocabulary import SERIES_LABELS

# (SERIES code, the page's field) of ingest's series; "_500" after the field for USD 500.
INGEST_SERIES = (("DERIVED", "derived_pct"), ("OBSERVED", "observed_pct"), ("OFFICIAL", "official_pct"))
AMOUNT_FIELDS = (("USD200", ""), ("USD500", "_500"))
DECLARED_PROVENANCE = f"provider-declared: {EXTRA_SERIES['DECLARED']}"
_ORDER = ("SERIES", "AMOUNT", "TIME_PERIOD")


def _base(item):
    return {"FREQ": "Q", "SOURCE_AREA": item["source"], "DEST_AREA": item["destination"], "UNIT_MEASURE": "PC",
            "OBS_STATUS": "A"}


def ingest_observations(item):
    """One corridor of ingest's ``corridor_cost_page``: an observation per series, amount and period."""
    base = _base(item)
    for code, field in INGEST_SERIES:
        label = SERIES_LABELS[code.lower()]
        for amount, suffix in AMOUNT_FIELDS:
            for entry in item["periods"]:
                value = entry.get(field + suffix)
                if value is None:
                    continue
                observation = {**base, "SERIES": code, "AMOUNT": amount, "TIME_PERIOD": entry["period"],
                               "OBS_VALUE": value, "PROVENANCE": label}
                if code == "OBSERVED":  # PROVENANCE: the series, not the dataset (a permalink's answer is
                    # written from the kept versions, which change with the figures, not with the dataset)
                    observation.update(QUOTES=entry.get("quotes_total"),
                                       QUOTES_TRANSPARENT=entry.get("quotes_transparent"))
                yield observation


def declared_observations(item):
    """One corridor of the catalog's ``declared_cost_page``: the DECLARED series (every declared price
    discloses its rate: all its quotes are transparent)."""
    base = _base(item)
    for entry in item["periods"]:
        yield {**base, "SERIES": "DECLARED", "AMOUNT": entry["amount"], "TIME_PERIOD": entry["period"],
               "OBS_VALUE": entry["average_total_cost_pct"], "QUOTES": entry["quotes"],
               "QUOTES_TRANSPARENT": entry["quotes"], "PROVENANCE": DECLARED_PROVENANCE}


def merged(ingest_items, declared_items):
    """The observations of both streams of corridor items (each in (source, destination) order), lazily:
    one corridor held at a time."""
    tagged = heapq.merge(((ingest_observations, i) for i in ingest_items),
                         ((declared_observations, i) for i in declared_items),
                         key=lambda pair: (pair[1]["source"], pair[1]["destination"]))
    for _, corridor in itertools.groupby(tagged, key=lambda pair: (pair[1]["source"], pair[1]["destination"])):
        found = [o for build, item in corridor for o in build(item)]
        yield from sorted(found, key=lambda o: tuple(o[k] for k in _ORDER))


def _version_order(dimension_ids):
    """The kept versions' order: the series key's text (``Q.ARE.NPL.DECLARED.USD200``), then the period."""
    return lambda o: (".".join(str(o[d]) for d in dimension_ids), time_period(o["TIME_PERIOD"]))


def with_declared(versions, declared_items, dimension_ids):
    """Ingest's kept versions (series-key text order) and the DECLARED observations of the catalog's corridor
    items (in (source, destination) order, so in that order too), merged in that order, lazily."""
    declared = (o for item in declared_items for o in declared_observations(item))
    return heapq.merge(versions, declared, key=_version_order(dimension_ids))
