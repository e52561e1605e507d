"""The country table built from the UN M49 and World Bank reference files."""
import pytest

from observatory.countries import countries


@pytest.mark.parametrize("name,iso3", [
    ("Cape Verde", "CPV"), ("Cabo Verde", "CPV"), ("Czech Republic", "CZE"), ("Czechia", "CZE"),
    ("Korea, Rep.", "KOR"), ("Egypt, Arab Rep.", "EGY"), ("Türkiye", "TUR"), ("Turkey", "TUR"),
    ("Türkiye, Rep. of", "TUR"), ("KSV", "XKX"), ("XKX", "XKX"), ("Kosovo", "XKX"),
    ("Côte d'Ivoire", "CIV"), ("Cote d\u2019Ivoire", "CIV"), ("Ivory Coast", "CIV"),
    ("Macedonia, FYR", "MKD"), ("Swaziland", "SWZ"), ("Gambia, The", "GMB"), ("St. Lucia", "LCA"),
    ("West Bank/Gaza Strip", "PSE"), ("Netherlands Antilles", "ANT"), ("npl", "NPL"),
])
def test_name_variants_resolve(name, iso3):
    assert countries().resolve(name) == iso3


def test_unknown_names_do_not_resolve_and_aggregates_are_known():
    table = countries()
    assert table.resolve("Atlantis") is None and table.resolve("World") is None
    assert table.is_aggregate("World") and table.is_aggregate("WLD") and table.is_aggregate("Low income")
    assert not table.is_aggregate("Nepal")


def test_reference_attributes_come_from_both_files():
    nepal = countries().get("NPL").as_dict()
    assert nepal["m49"] == "524" and nepal["un_region"] == "Asia" and nepal["wb_region"] == "South Asia"
    assert nepal["ldc"] and nepal["lldc"] and not nepal["sids"]
    assert sum(1 for c in countries().by_iso3.values() if c.ldc_now) == 44


@pytest.mark.parametrize("iso3,period,ldc", [
    ("MDV", "2010Q4", True), ("MDV", "2011Q1", False), ("WSM", "2013Q4", True), ("WSM", "2014Q1", False),
    ("GNQ", "2017Q2", True), ("GNQ", "2017Q3", False), ("VUT", "2020Q4", True), ("VUT", "2021Q1", False),
    ("BTN", "2023Q4", True), ("BTN", "2024Q1", False), ("STP", "2024Q4", True), ("STP", "2025Q1", False),
    ("SSD", "2012Q3", False), ("SSD", "2013Q1", True), ("NPL", "2011Q1", True), ("IND", "2011Q1", False),
])
def test_ldc_membership_follows_the_list_in_force(iso3, period, ldc):
    assert countries().get(iso3).is_ldc(period) is ldc
