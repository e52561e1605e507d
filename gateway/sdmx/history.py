"""SDMX time travel: ``updatedAfter``, ``includeHistory`` and ``asOf`` answered
from ingest's vintages (``figure_changes``: every published figure's versions).

For the SDMX data routes:
- ``wants_history(query)``: whether the query needs this module (an
  ``updatedAfter`` or ``includeHistory``); a query with ``asOf`` only is the
  ordinary read asked ``as_of=as_of_text(query)``;
- ``observations(query, sources)``: the observation dicts of the query's flow
  and key, each with ``ACTION`` (``R`` replace, ``D`` delete) and
  ``validFrom`` (and ``validTo`` for a superseded version), lazily, page by
  page, every page pinned to the time of the first (no page of another vintage);
- the writers: SDMX-CSV 2.0 writes ``ACTION`` as it is; SDMX-ML writes one
  DataSet per ``datasets(observations)`` group (``action="Replace"`` or
  ``"Delete"``, ``validFromDate``): pass ``datasets=`` to ``generic_data`` /
  ``structure_specific_data``; SDMX-JSON likewise (``json_data(...,
  datasets=)``: one dataSet each with ``action`` and ``validFrom``).

A route: ``obs = query.answer(observations(query, sources))`` (first/last N
and ``detail`` applied as for any answer), then ``csv_v2(flow, dsd, obs)``
or ``structure_specific_data(flow, dsd, obs, datasets=datasets(obs))``.
"""
import datetime as dt
from itertools import groupby

from gateway.sdmx.errors import SdmxNotImplemented

FLOWS_WITH_HISTORY = ("RPW_CORRIDOR_COST", "RPW_INDICATORS", "FLOWS", "RPW_PRICES", "NATIONAL_REMITTANCES")
PAGE_SIZE = 1000
MAX_PUSHED_VALUES = 500  # a dimension naming more is checked by ``selects`` alone
ML_ACTIONS = {"R": "Replace", "D": "Delete", "I": "Information"}


def as_of_text(query):
    """The query's ``asOf`` as ingest takes it (ISO 8601, UTC), or None."""
    return _text(query.as_of)


def _text(moment):
    if moment is None:
        return None
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def wants_history(query):
    return query.updated_after is not None or bool(query.include_history)


def observations(query, sources, page_size=PAGE_SIZE):
    """The query's observations with ``ACTION`` and ``validFrom``, from ``sources.ingest.figure_changes``,
    in series-key, period (and, with history, time) order; selected by ``query.selects``."""
    flow_id = query.flow.id
    if flow_id not in FLOWS_WITH_HISTORY:
        raise SdmxNotImplemented(f"updatedAfter, includeHistory and asOf are answered for "
                                 f"{', '.join(FLOWS_WITH_HISTORY)}; {flow_id} keeps no history",
                                 {"flow": flow_id})
    as_of, cursor, selection = as_of_text(query), None, key_selection(query)
    while True:
        page = sources.ingest.figure_changes(flow_id, updated_after=_text(query.updated_after),
                                             include_history=bool(query.include_history), as_of=as_of,
                                             cursor=cursor, limit=page_size,
                                             **({"dimensions": selection} if selection else {}))
        as_of = page["as_of"]  # the next pages: the same vintage
        for observation in page["items"]:
            if query.selects(observation):
                yield observation
        cursor = page.get("next_cursor")
        if not cursor:
            return


def key_selection(query):
    """{dimension id: [values]} of the dimensions the query's key names (pushed down into ingest's store
    query: a query for one key reads only that key's versions); the key's final check stays ``selects``."""
    return {d: sorted(allowed) for d, allowed in zip(query.dsd.dimension_ids, query.key)
            if allowed is not None and len(allowed) <= MAX_PUSHED_VALUES}


def datasets(observations):
    """[(SDMX-ML action, validFrom, observations)]: one DataSet per release and action, oldest release
    first, each in series-key order (held in memory: what changed, not what is stored)."""
    ordered = sorted(observations, key=lambda o: (o.get("validFrom") or "", o.get("ACTION") == "D"))
    return [(ML_ACTIONS[action], valid_from, list(run))
            for (valid_from, action), run in groupby(ordered, key=lambda o: (o.get("validFrom"), o.get("ACTION", "I")))]


def information(observations):
    """The one DataSet of an ordinary answer (the writers' default)."""
    return [("Information", None, observations)]
