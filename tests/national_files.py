"""National submissions for the tests, produced by real SDMX libraries from
the observatory's own structure (the Structure message gateway/sdmx writes,
read back by pysdmx and sdmx1), with figures taken from the real WDI file:
a country's "Personal remittances, received" as its central bank would
report them (USD, UNIT_MULT 6)."""
import csv
import functools
import io

import pandas as pd

from gateway.sdmx.structure_ml import structure_message
from observatory.sdmx.structures import resolve
from tests.ingest_files import WDI_INFLOWS


@functools.lru_cache(maxsize=1)
def structure_bytes():
    return b"".join(structure_message(resolve("dataflow", "NATIONAL_REMITTANCES", "descendants")))


def wdi_inflows_usd(iso3):
    """{year: USD} of WDI's BX.TRF.PWKR.CD.DT for one economy, as the file has them."""
    with open(WDI_INFLOWS, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["Country Code"] == iso3:
                return {int(y): float(v) for y, v in row.items() if y.isdigit() and v}
    raise KeyError(iso3)


def rows(iso3, years, reporting=None):
    """The observations: ``reporting`` (default ``iso3``) as REF_AREA, WDI's figure in USD millions."""
    figures = wdi_inflows_usd(iso3)
    return [{"FREQ": "A", "REF_AREA": reporting or iso3, "COUNTERPART_AREA": "WLD", "CHANNEL": "_T",
             "MEASURE": "INFLOW", "TIME_PERIOD": str(year), "OBS_VALUE": round(figures[year] / 1e6, 6),
             "UNIT_MEASURE": "USD", "UNIT_MULT": "6"} for year in years]


def _pysdmx_dataset(observations):
    from pysdmx.io import read_sdmx
    from pysdmx.io.pd import PandasDataset

    message = read_sdmx(structure_bytes().decode())
    dsd = next(s for s in message.structures if type(s).__name__ == "DataStructureDefinition")
    return PandasDataset(structure=dsd.to_schema(), data=pd.DataFrame(observations))


def sdmx_csv(observations, version="2.0"):
    """SDMX-CSV 1.0 or 2.0 written by pysdmx."""
    from pysdmx.io import write_sdmx
    from pysdmx.io.format import Format

    fmt = {"1.0": Format.DATA_SDMX_CSV_1_0_0, "2.0": Format.DATA_SDMX_CSV_2_0_0}[version]
    return write_sdmx([_pysdmx_dataset(observations)], fmt).encode("utf-8")


def sdmx_ml(observations):
    """SDMX-ML 2.1 structure-specific data written by sdmx1."""
    import sdmx
    from sdmx.message import DataMessage, Header
    from sdmx.model import v21 as m

    structure = sdmx.read_sdmx(io.BytesIO(structure_bytes()))
    flow, dsd = structure.dataflow["NATIONAL_REMITTANCES"], structure.structure["DSD_NATIONAL_REMITTANCES"]
    dataset = m.StructureSpecificDataSet(structured_by=dsd, described_by=flow)
    built = []
    for row in observations:
        key = dsd.make_key(m.Key, {c.id: row[c.id] for c in dsd.dimensions.components})
        obs = m.Observation(dimension=key, value=row["OBS_VALUE"], value_for=dsd.measures.get("OBS_VALUE"))
        for attribute in ("UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS"):
            if row.get(attribute):
                obs.attached_attribute[attribute] = m.AttributeValue(value=row[attribute],
                                                                     value_for=dsd.attributes.get(attribute))
        built.append(obs)
    dataset.add_obs(built)
    message = DataMessage(data=[dataset], dataflow=flow)
    message.header = Header(id="NATIONAL", sender=m.Agency(id="REPORTER"))
    return sdmx.to_xml(message)


def csv_with(data, row, column, value):
    """A CSV file with one cell replaced (``row`` 1 is the header): a hostile file made from a real one."""
    lines = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    lines[row - 1][lines[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(lines)
    return out.getvalue().encode("utf-8")


def csv_with_row_repeated(data, row):
    lines = data.decode("utf-8").splitlines(keepends=True)
    return "".join([*lines, lines[row - 1] if lines[row - 1].endswith("\n") else "\n" + lines[row - 1]]).encode()


def submit_validated(store, data, reporter="nrb", now=None, fmt="sdmx-csv-2.0"):
    """Receive a national file and run its validation job at once (as ingest's ``national.validate``
    handler does after the upload answers): the receipt, with the status validation gave it."""
    from services.ingest import national
    received = national.submit(store, reporter, fmt, data, reporter, now=now)
    if received["duplicate"]:
        return received
    return {**received, "status": national.process(store, received["id"])}
