"""SDMX-JSON 1.0 data message writer (the version sdmx1 reads; pysdmx reads
no SDMX-JSON data at all), streamed.

SDMX-JSON indexes every dimension and attribute value into lists held in
``structure``. Those lists are built as the data streams (a value's index is
the order it was first seen, so memory follows the number of distinct codes,
not the answer) and written after ``dataSets``: JSON members have no order.
An attribute is listed in the order it first carried a value and arrays stop
at their last value, because sdmx1 drops an attribute without values and
would shift every later index."""
import functools
import json

from observatory.sdmx.codelists import codelists
from observatory.sdmx.model import TIME_DIMENSION
from observatory.sdmx.structures import CONCEPTS
from gateway.sdmx.values import observation_parts, series_of
from gateway.sdmx.xml import chunks, new_message_id, prepared_now


class _Index:
    """Values of one component in first-seen order."""

    def __init__(self, component_id):
        self.component_id, self.positions, self.values = component_id, {}, []

    def __call__(self, value):
        if value not in self.positions:
            self.positions[value] = len(self.values)
            self.values.append(value)
        return self.positions[value]


@functools.lru_cache(maxsize=None)
def _code_names(codelist_id):
    return {code.id: code.name for code in codelists()[codelist_id].codes}


def _value_entry(component, value):
    name = _code_names(component.codelist).get(value, value) if component and component.codelist else value
    return {"id": value, "name": name}


def _component(dsd, index, key_position=None):
    component = dsd.component(index.component_id)
    entry = {"id": index.component_id, "name": CONCEPTS[index.component_id]}
    if key_position is not None:
        entry["keyPosition"] = key_position
    if index.component_id == TIME_DIMENSION:
        entry["role"] = "time"
    entry["values"] = [_value_entry(component, v) for v in index.values]
    return entry


class _Attributes:
    """Observation attributes, positioned in the order they first carry a value."""

    def __init__(self):
        self.order, self.indexes = [], {}

    def array(self, attributes):
        for attribute_id in attributes:
            if attribute_id not in self.indexes:
                self.order.append(attribute_id)
                self.indexes[attribute_id] = _Index(attribute_id)
        positions = [self.indexes[a](attributes[a]) if a in attributes else None for a in self.order]
        while positions and positions[-1] is None:
            positions.pop()
        return positions


def _obs_entry(key, value, attribute_positions):
    number = "null" if value is None else value  # already a decimal literal: written as is, no float noise
    return f"{json.dumps(key)}:[{','.join([number, *('null' if p is None else str(p) for p in attribute_positions)])}]"


def _pieces(flow, dsd, observations, dimension_at_observation, message_id, prepared, datasets=None):
    header = {"id": message_id or new_message_id(), "test": False, "prepared": prepared or prepared_now(),
              "sender": {"id": "OBSERVATORY"}}
    yield '{"header":' + json.dumps(header) + ',"dataSets":['
    dimension_ids = dsd.dimension_ids
    dimensions = [_Index(d) for d in dimension_ids]
    time, attributes = _Index(TIME_DIMENSION), _Attributes()
    flat = dimension_at_observation == "AllDimensions"
    for number, (action, valid_from, observations) in enumerate(datasets or [("Information", None, observations)]):
        opening = {"action": action, **({"validFrom": valid_from} if valid_from else {})}
        yield ("," if number else "") + json.dumps(opening)[:-1] + ","
        yield '"observations":{' if flat else '"series":{'
        first = True
        if flat:
            for observation in observations:
                period, value, attrs = observation_parts(observation, dsd.attribute_ids)
                key = ":".join(str(index(str(observation[d]))) for index, d in zip(dimensions, dimension_ids))
                yield ("" if first else ",") + _obs_entry(f"{key}:{time(period)}", value, attributes.array(attrs))
                first = False
        else:
            for series_key, run in series_of(observations, dimension_ids):
                key = ":".join(str(index(v)) for index, v in zip(dimensions, series_key))
                entries = []
                for observation in run:
                    period, value, attrs = observation_parts(observation, dsd.attribute_ids)
                    entries.append(_obs_entry(str(time(period)), value, attributes.array(attrs)))
                observations = ",".join(entries)
                yield ("" if first else ",") + \
                    f'{json.dumps(key)}:{{"attributes":[],"observations":{{{observations}}}}}'
                first = False
        yield "}}"
    yield "],"
    key_dimensions = [_component(dsd, index, position) for position, index in enumerate(dimensions)]
    time_dimension = _component(dsd, time, len(dimensions))
    structure = {
        "name": flow.name,
        "dimensions": {"dataSet": [], "series": [] if flat else key_dimensions,
                       "observation": key_dimensions + [time_dimension] if flat else [time_dimension]},
        "attributes": {"dataSet": [], "series": [],
                       "observation": [_component(dsd, attributes.indexes[a]) for a in attributes.order]},
    }
    yield '"structure":' + json.dumps(structure) + "}\n"


def json_data(flow, dsd, observations, dimension_at_observation=TIME_DIMENSION, message_id=None, prepared=None,
              datasets=None):
    """SDMX-JSON 1.0 data message, as byte chunks. ``datasets`` ([(action, validFrom, observations)],
    ``gateway.sdmx.history.datasets``): one dataSet each, instead of one Information dataSet."""
    return chunks(_pieces(flow, dsd, observations, dimension_at_observation, message_id, prepared, datasets))
