"""What-if savings: the hand formula on the files' own numbers."""
import math

import openpyxl
import pytest

from observatory.analysis.newest import newest_figure
from observatory.analysis.sdg import area_averages
from observatory.analysis.whatif import latest_inflow, whatif_savings
from observatory.countries import countries
from observatory.errors import InvalidInput
from tests.unit.analysis_files import KNOMAD_INFLOWS, corridor_series, flow_records, raw_derived, raw_wdi


def _knomad_inflows(name):
    """``{year: USD millions}`` of one economy, read from the workbook with openpyxl alone."""
    sheet = openpyxl.load_workbook(KNOMAD_INFLOWS, read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(r for r in rows if r[0] and "inflows" in str(r[0]).lower())
    row = next(r for r in rows if r[0] and str(r[0]).strip() == name)
    return {int(y): v for y, v in zip(header, row) if isinstance(y, (int, float)) and v is not None}


def _country_answer(iso3, target_pct=3.0):
    cost = newest_figure(area_averages(corridor_series(), {iso3}))
    return whatif_savings(iso3, cost, latest_inflow(flow_records(), iso3), target_pct)


@pytest.mark.parametrize("iso3", ["NPL", "SEN", "HTI"])
def test_the_savings_are_inflows_times_the_cost_above_target(iso3):
    answer = _country_answer(iso3)
    knomad = _knomad_inflows(countries().get(iso3).name)
    assert answer["inflows_year"] == max(knomad) == max(raw_wdi("inflows_usd")[iso3])
    assert answer["inflows_usd_millions"] == knomad[max(knomad)]  # KNOMAD preferred to WDI in the same year
    assert "KNOMAD" in answer["inflows_source"]
    derived = [v for (p, _, d), v in raw_derived().items() if (p, d) == (answer["cost_period"], iso3)]
    assert answer["cost_series"] == "derived"
    assert abs(answer["cost_pct"] - sum(derived) / len(derived)) < 1e-9
    hand = answer["inflows_usd_millions"] * (answer["cost_pct"] - 3.0) / 100
    assert answer["cost_pct"] > 3 and abs(answer["savings_usd_millions"] - hand) < 1e-9
    assert answer["assumption"] and answer["target_pct"] == 3.0


def test_a_target_above_the_cost_saves_nothing():
    answer = _country_answer("NPL", target_pct=math.ceil(_country_answer("NPL")["cost_pct"]))
    assert answer["savings_usd_millions"] == 0


def test_a_corridor_names_its_own_cost():
    corridor = [f for f in corridor_series() if (f["source"], f["destination"]) == ("USA", "HTI")]
    cost = newest_figure(corridor)
    answer = whatif_savings("HTI", cost, latest_inflow(flow_records(), "HTI"), corridor="USA-HTI")
    assert (answer["corridor"], answer["cost_pct"], answer["cost_period"]) == ("USA-HTI", cost["value"],
                                                                              cost["period"])


def test_missing_inflows_or_cost_give_no_savings_and_say_why():
    no_inflows = whatif_savings("NPL", newest_figure(area_averages(corridor_series(), {"NPL"})), None)
    assert no_inflows["savings_usd_millions"] is None and "inflows" in no_inflows["reason"]
    assert latest_inflow(flow_records(), "XXX") is None
    no_cost = whatif_savings("NPL", None, latest_inflow(flow_records(), "NPL"))
    assert no_cost["savings_usd_millions"] is None and "cost" in no_cost["reason"]


@pytest.mark.parametrize("target", [float("nan"), float("inf"), -1, 100, "3", True, None])
def test_a_bad_target_is_refused_with_its_value(target):
    with pytest.raises(InvalidInput) as refused:
        whatif_savings("NPL", None, None, target)
    assert "target_pct" in refused.value.details
