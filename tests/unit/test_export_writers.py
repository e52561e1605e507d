"""The CSV writers' safety net: a non-finite figure is refused with a JSON-able
error, never written as 'inf' or 'nan' (ingest refuses them first)."""
import csv
import io

import pytest

from gateway.exports import corridors_csv, corridors_sdmx
from gateway.resources.views import Sources
from observatory.errors import NonFiniteFigure
from tests.ingest_files import DATABANK
from tests.unit.test_sdmx_sources import NO_DECLARED


def official_are_npl():
    """The DataBank's ARE→NPL 2014Q1 official average, as the corridor list answers it."""
    row = next(r for r in csv.reader(io.StringIO(DATABANK.read_text(encoding="utf-8-sig")))
               if r[1:2] == ["ARE"] and r[5:6] == ["NPL"])
    header = next(csv.reader(io.StringIO(DATABANK.read_text(encoding="utf-8-sig"))))
    value = float(row[next(i for i, h in enumerate(header) if h.startswith("2014Q1"))])
    return {"source": "ARE", "destination": "NPL", "period": "2014Q1", "average_source": "official",
            "average_total_cost_pct": value, "official_average_pct": value, "derived_average_pct": None}


class OneCorridor:
    """An ingest whose corridor-cost page holds ARE→NPL 2014Q1 with this official figure."""

    def __init__(self, value):
        self.value = value

    def corridor_cost_page(self, **_):
        return {"items": [{"source": "ARE", "destination": "NPL", "periods": [
            {"period": "2014Q1", "observed_pct": None, "official_pct": self.value, "derived_pct": None}]}],
            "next_cursor": None}


def test_a_finite_figure_is_written_as_it_is():
    item = official_are_npl()
    rows = list(csv.reader(io.StringIO(corridors_csv([item]).decode())))
    assert float(rows[1][4]) == item["official_average_pct"]


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
@pytest.mark.parametrize("writer", [corridors_csv, "sdmx"])
def test_a_non_finite_figure_refuses_the_export(writer, value):
    item = {**official_are_npl(), "official_average_pct": value, "average_total_cost_pct": value}
    with pytest.raises(NonFiniteFigure) as refused:
        if writer == "sdmx":  # the SDMX-CSV view, from an ingest answering that figure
            corridors_sdmx(Sources(OneCorridor(value), NO_DECLARED), "2014Q1")
        else:
            writer([item])
    assert refused.value.code == "NON_FINITE_FIGURE"
    if writer == "sdmx":
        assert refused.value.details["value"] == str(value)
    else:
        assert refused.value.details["column"] == "average_total_cost_pct"
