"""SDMX REST data queries, 2.1 (``/data/{flow}/{key}/{provider}``) and 3.0
(``/data/dataflow/{agency}/{id}/{version}/{key}``): the flow reference, the
key, and every parameter validated into one DataQuery, or a precise error
(400 bad key or parameter, 404 unknown flow / nothing to answer, 501 a part
of the API not implemented here)."""
import collections
import itertools
import re
from dataclasses import dataclass

from gateway.sdmx import periods
from gateway.sdmx.errors import SdmxBadQuery, SdmxNoResults, SdmxNotImplemented
from gateway.sdmx.keys import apply_filters, parse_key_21, parse_key_30
from observatory.sdmx.model import AGENCY, PRIMARY_MEASURE, TIME_DIMENSION, VERSION
from observatory.sdmx.structures import DATAFLOWS, structure_of
from gateway.sdmx.decimals import with_decimals
from gateway.sdmx.values import DIMENSION_AT_OBSERVATION, format_value, series_of
from observatory.errors import NotFound

MAX_OBSERVATIONS_PARAMETER = 10_000_000
_COMMON = {"updatedAfter", "firstNObservations", "lastNObservations", "dimensionAtObservation", "format",
           "includeHistory"}
PARAMETERS = {"2.1": _COMMON | {"startPeriod", "endPeriod", "detail"},
              "3.0": _COMMON | {"attributes", "measures", "asOf"}}
DETAILS = {"full": True, "dataonly": False}  # detail → attributes written
NOT_IMPLEMENTED_DETAILS = ("serieskeysonly", "nodata")
_ANY_VERSION = ("*", "~", "latest", "all", "+")
_COUNT = re.compile(r"[0-9]{1,8}")


@dataclass(frozen=True)
class DataQuery:
    flow: object
    dsd: object
    key: tuple  # per dimension: a frozenset of values, or None for any
    start: object = None  # first day of the earliest period wanted
    end: object = None  # last day of the latest period wanted
    first_n: int = None
    last_n: int = None
    dimension_at_observation: str = TIME_DIMENSION
    with_attributes: bool = True
    updated_after: object = None
    as_of: object = None
    include_history: bool = False

    def selects(self, observation):
        """Whether an observation (a writer's dict) is in the key and the period range."""
        for dimension_id, allowed in zip(self.dsd.dimension_ids, self.key):
            if allowed is not None and str(observation.get(dimension_id)) not in allowed:
                return False
        if self.start or self.end:
            covered = periods.span(observation[TIME_DIMENSION])
            if covered is None or (self.start and covered[1] < self.start) or (self.end and covered[0] > self.end):
                return False
        return True


    def answer(self, observations):
        """The observations the query selects, with their DECIMALS (gateway.sdmx.decimals), at most
        first_n / last_n per series, without attributes for ``detail=dataonly`` (the value then rounded
        to its DECIMALS: the same value either way); lazily (one series held at most)."""
        chosen = (with_decimals(self.flow.id, o) for o in observations if self.selects(o))
        if self.first_n or self.last_n:
            chosen = itertools.chain.from_iterable(self._ends(run) for _, run in
                                                   series_of(chosen, self.dsd.dimension_ids))
        for observation in chosen:
            yield observation if self.with_attributes else _data_only(observation, self.dsd.attribute_ids)

    def _ends(self, run):
        if self.first_n:
            run = itertools.islice(run, self.first_n)
        return collections.deque(run, maxlen=self.last_n) if self.last_n else run


def _data_only(observation, attribute_ids):
    kept = {k: v for k, v in observation.items() if k not in attribute_ids}
    value, places = observation.get(PRIMARY_MEASURE), observation.get("DECIMALS")
    if value is not None and places is not None:
        kept[PRIMARY_MEASURE] = float(format_value(value, places))
    return kept


def _flow(flow_id, agency, version):
    if agency not in (AGENCY, "all", "*"):
        raise NotFound(f"no agency {str(agency)[:40]!r} here: the observatory's agency is {AGENCY}",
                       {"agency": str(agency)[:40]})
    if flow_id not in DATAFLOWS:
        raise NotFound(f"no dataflow {str(flow_id)[:40]!r}", {"dataflows": sorted(DATAFLOWS)})
    if version not in (VERSION, *_ANY_VERSION):
        raise NotFound(f"{flow_id} has version {VERSION} only", {"version": str(version)[:20]})
    return DATAFLOWS[flow_id]


def flow_ref_21(flow_ref):
    """``RPW_PRICES``, ``OBSERVATORY,RPW_PRICES`` or ``OBSERVATORY,RPW_PRICES,1.0``."""
    parts = str(flow_ref).split(",")
    if len(parts) > 3 or not all(parts):
        raise SdmxBadQuery("the flow reference is ID, AGENCY,ID or AGENCY,ID,VERSION", {"flow": str(flow_ref)[:60]})
    if len(parts) == 1:
        parts = [AGENCY, *parts]
    agency, flow_id, version = (parts + [VERSION])[:3]
    return _flow(flow_id, agency, version)


def _count(params, name):
    value = params.get(name)
    if value is None:
        return None
    if not _COUNT.fullmatch(str(value)) or not 0 < int(value) <= MAX_OBSERVATIONS_PARAMETER:
        raise SdmxBadQuery(f"{name} must be a whole number from 1 to {MAX_OBSERVATIONS_PARAMETER}",
                           {"parameter": name, "value": str(value)[:20]})
    return int(value)


def _dimension_at_observation(params, dsd):
    value = params.get("dimensionAtObservation", TIME_DIMENSION)
    if value in DIMENSION_AT_OBSERVATION:
        return value
    if value in dsd.dimension_ids:
        raise SdmxNotImplemented(f"dimensionAtObservation={value} is not implemented; use TIME_PERIOD or "
                                 "AllDimensions", {"parameter": "dimensionAtObservation"})
    raise SdmxBadQuery("dimensionAtObservation is TIME_PERIOD, AllDimensions or a dimension id",
                       {"parameter": "dimensionAtObservation", "value": str(value)[:40]})


def _boolean(params, name):
    value = str(params.get(name, "false")).lower()
    if value not in ("true", "false"):
        raise SdmxBadQuery(f"{name} is true or false", {"parameter": name})
    return value == "true"


def _check_names(params, api):
    unknown = sorted(n for n in params if n not in PARAMETERS[api] and not (api == "3.0" and n.startswith("c[")))
    if unknown:
        raise SdmxBadQuery(f"unknown parameter {unknown[0][:40]!r} for SDMX REST {api}",
                           {"parameter": unknown[0][:40], "allowed": sorted(PARAMETERS[api])})


def _common(params, dsd):
    updated = params.get("updatedAfter")
    return dict(first_n=_count(params, "firstNObservations"), last_n=_count(params, "lastNObservations"),
                dimension_at_observation=_dimension_at_observation(params, dsd),
                updated_after=periods.timestamp(updated, "updatedAfter") if updated is not None else None,
                include_history=_boolean(params, "includeHistory"))


def data_query_21(flow_ref, key="all", provider=None, params=None):
    params = dict(params or {})
    _check_names(params, "2.1")
    flow = flow_ref_21(flow_ref)
    if provider not in (None, "", "all", AGENCY, f"{AGENCY},{AGENCY}"):
        raise SdmxNoResults(f"no data provider {str(provider)[:40]!r}: the observatory publishes all its data",
                            {"provider": str(provider)[:40]})
    dsd = structure_of(flow.id)
    detail = params.get("detail", "full")
    if detail in NOT_IMPLEMENTED_DETAILS:
        raise SdmxNotImplemented(f"detail={detail} is not implemented", {"parameter": "detail"})
    if detail not in DETAILS:
        raise SdmxBadQuery("detail is full, dataonly, serieskeysonly or nodata", {"parameter": "detail"})
    start = periods.query_period(params["startPeriod"], "startPeriod")[0] if "startPeriod" in params else None
    end = periods.query_period(params["endPeriod"], "endPeriod")[1] if "endPeriod" in params else None
    if start and end and start > end:
        raise SdmxBadQuery("startPeriod is after endPeriod", {"parameter": "startPeriod"})
    return DataQuery(flow, dsd, parse_key_21(key, dsd), start, end, with_attributes=DETAILS[detail],
                     **_common(params, dsd))


def data_query_30(context, agency, resource_id, version, key="*", params=None):
    params = dict(params or {})
    _check_names(params, "3.0")
    if context in ("datastructure", "provisionagreement"):
        raise SdmxNotImplemented(f"data by {context} is not implemented; ask by dataflow", {"context": context})
    if context not in ("dataflow", "*"):
        raise SdmxBadQuery("the context is dataflow, datastructure, provisionagreement or *",
                           {"context": str(context)[:30]})
    if resource_id == "*" or "," in str(resource_id):
        raise SdmxNotImplemented("data from several dataflows in one answer is not implemented")
    flow = _flow(resource_id, agency, version)
    dsd = structure_of(flow.id)
    allowed, (start, end) = apply_filters(parse_key_30(key, dsd), params, dsd)
    attributes, measures = params.get("attributes", "dsd"), params.get("measures", "all")
    if attributes not in ("dsd", "all", "none") or measures not in ("all", "OBS_VALUE"):
        raise SdmxNotImplemented("attributes takes dsd, all or none; measures takes all or OBS_VALUE")
    as_of = params.get("asOf")
    return DataQuery(flow, dsd, allowed, start, end, with_attributes=attributes != "none",
                     as_of=periods.timestamp(as_of, "asOf") if as_of is not None else None, **_common(params, dsd))
