"""The NATIONAL_REMITTANCES dataflow's published observations (what member
states' reporting institutions published; embargoed submissions are not
there until their date), lazily from ingest's paged ``national_observations``
RPC: dicts of the dimension ids, TIME_PERIOD, OBS_VALUE and the attributes,
in series-key then period order. A key that names dimension values is pushed
down into the RPC; ``query.answer`` does the final filtering.

``gateway.sdmx.observations.national_observations`` is to call
``observations(sources, query)``."""
PAGE = 1000
PUSHED_DOWN = {"REF_AREA": "country", "COUNTERPART_AREA": "counterpart", "FREQ": "freq", "CHANNEL": "channel",
               "MEASURE": "measure"}


def _filters(query):
    found = {}
    for dimension_id, allowed in zip(query.dsd.dimension_ids, query.key):
        if allowed is not None and dimension_id in PUSHED_DOWN:
            found[PUSHED_DOWN[dimension_id]] = sorted(allowed)
    return found


def observations(sources, query):
    params = {**_filters(query), "limit": PAGE}
    answer = sources.ingest.national_observations(params)
    while True:
        yield from answer["items"]
        if not answer.get("next_cursor"):
            return
        answer = sources.ingest.national_observations({**params, "cursor": answer["next_cursor"]})
