"""The one country reference table: ISO3, names and the variants the World
Bank / KNOMAD / UN files use, regions, income groups, LDC / LLDC / SIDS flags,
and LDC membership as it stood in a given period.

Sources (shipped in ``reference_data/``): UN Statistics Division M49
("Standard country or area codes for statistical use") and the World Bank
country classification FY2025; ``aliases.csv`` holds the name variants found
in the published files (one line each, with where it was seen).
"""
import csv
import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).with_name("reference_data")

# LDC list changes since 2011 (UN CDP). The M49 file reflects the list after
# December 2024; earlier periods need the countries that were LDCs then.
LDC_GRADUATIONS = {
    "MDV": dt.date(2011, 1, 1),   # Maldives
    "WSM": dt.date(2014, 1, 1),   # Samoa
    "GNQ": dt.date(2017, 6, 4),   # Equatorial Guinea
    "VUT": dt.date(2020, 12, 4),  # Vanuatu
    "BTN": dt.date(2023, 12, 13),  # Bhutan
    "STP": dt.date(2024, 12, 13),  # Sao Tome and Principe
}
LDC_ADMISSIONS = {"SSD": dt.date(2012, 12, 18)}  # South Sudan joined the list

# Group rows the files use that the classification does not list under these names.
EXTRA_AGGREGATES = ("Low-and Middle-Income Countries", "World", "Total", "Total Remittances", "Not classified",
                    "East Asia & Pacific (IDA & IBRD countries)", "Europe & Central Asia (IDA & IBRD countries)",
                    "Latin America & the Caribbean (IDA & IBRD countries)",
                    "Middle East & North Africa (IDA & IBRD countries)", "Sub-Saharan Africa (IDA & IBRD countries)",
                    "South Asia (IDA & IBRD)", "Small states", "Least developed countries: UN classification")

# G20 member countries (the European Union and African Union are not countries).
# Codes used in some vintages for the same economy.
CODE_ALIASES = {"KSV": "XKX", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "WBG": "PSE"}

G20 = frozenset("ARG AUS BRA CAN CHN DEU FRA GBR IDN IND ITA JPN KOR MEX RUS SAU TUR USA ZAF".split())


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    iso2: str = ""
    m49: str = ""
    un_region: str = ""
    un_subregion: str = ""
    wb_region: str = ""
    income_group: str = ""
    ldc_now: bool = False
    lldc: bool = False
    sids: bool = False
    names: tuple = field(default=(), compare=False)

    def is_ldc(self, period=None):
        """LDC in the given period (``2014Q2``), or now without one."""
        if period is None:
            return self.ldc_now
        start = period_start(period)
        if self.iso3 in LDC_GRADUATIONS:
            return start < LDC_GRADUATIONS[self.iso3]
        if self.iso3 in LDC_ADMISSIONS:
            return start >= LDC_ADMISSIONS[self.iso3]
        return self.ldc_now

    def as_dict(self, period=None):
        return {"iso3": self.iso3, "name": self.name, "iso2": self.iso2, "m49": self.m49,
                "un_region": self.un_region, "un_subregion": self.un_subregion, "wb_region": self.wb_region,
                "income_group": self.income_group, "ldc": self.is_ldc(period), "lldc": self.lldc,
                "sids": self.sids, "g20": self.iso3 in G20}


def period_start(period):
    year, quarter = int(period[:4]), int(period[5])
    return dt.date(year, 3 * quarter - 2, 1)


def name_key(name):
    """Fold a country name so spelling variants meet: accents, case,
    punctuation, '&'/'and', 'The', 'St.'/'Saint'."""
    text = re.sub("[\u2019\u2018]", "'", str(name))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['\u2019\u2018`]", "", text).replace("&", " and ").replace("*", " ")
    text = re.sub(r"\bst\b\.?", "saint", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"^the ", "", text.strip())
    return re.sub(r"\s+", " ", text).strip()


class CountryTable:
    def __init__(self, countries, aliases, aggregates=()):
        self.by_iso3 = {c.iso3: c for c in countries}
        self.aggregates = set(aggregates)
        self._by_key = {}
        for country in countries:
            for name in country.names:
                self._by_key.setdefault(name_key(name), country.iso3)
        for alias, iso3 in aliases.items():
            self._by_key[name_key(alias)] = iso3

    def is_aggregate(self, name_or_code):
        """World Bank / KNOMAD group rows (World, Low income, Arab World, ...)."""
        text = str(name_or_code).strip()
        return text.upper() in self.aggregates or name_key(text) in self.aggregates

    def __len__(self):
        return len(self.by_iso3)

    def get(self, iso3):
        return self.by_iso3.get(str(iso3).upper())

    def resolve(self, name_or_code):
        """ISO3 for a name in any known variant, or for an ISO3 code; else None."""
        if name_or_code is None:
            return None
        text = str(name_or_code).strip()
        if len(text) == 3 and text.isalpha():
            code = CODE_ALIASES.get(text.upper(), text.upper())
            if code in self.by_iso3:
                return code
        return self._by_key.get(name_key(text))


def _flag(value):
    return value.strip().lower() == "x"


@functools.lru_cache(maxsize=1)
def countries():
    """The shared table (built once per process, ~250 rows)."""
    merged = {}
    with open(DATA / "un_m49_countries_with_ldc_lldc_sids.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            iso3 = row["ISO-alpha3 Code"].strip()
            if not iso3:
                continue
            merged[iso3] = dict(iso3=iso3, name=row["Country or Area"].strip(), iso2=row["ISO-alpha2 Code"].strip(),
                                m49=row["M49 Code"].strip(), un_region=row["Region Name"].strip(),
                                un_subregion=row["Sub-region Name"].strip(),
                                ldc_now=_flag(row["Least Developed Countries (LDC)"]),
                                lldc=_flag(row["Land Locked Developing Countries (LLDC)"]),
                                sids=_flag(row["Small Island Developing States (SIDS)"]),
                                names=[row["Country or Area"].strip()])
    aggregates = {name_key(n) for n in EXTRA_AGGREGATES}
    with open(DATA / "wb_class_fy2025_list_of_economies.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if not row["Region"].strip():  # aggregates (World, income groups, ...) are not countries
                aggregates.update((row["Code"].strip().upper(), name_key(row["Economy"])))
                continue
            entry = merged.setdefault(row["Code"].strip(), dict(iso3=row["Code"].strip(), name=row["Economy"].strip(),
                                                                names=[]))
            entry.update(wb_region=row["Region"].strip(), income_group=row["Income group"].strip())
            entry["names"].append(row["Economy"].strip())
    aliases = {}
    with open(DATA / "aliases.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            aliases[row["name"]] = row["iso3"]
            # a former economy (Netherlands Antilles) still named by old files
            merged.setdefault(row["iso3"], dict(iso3=row["iso3"], name=row["name"], names=[]))
            merged[row["iso3"]]["names"].append(row["name"])
    table = [Country(**{**entry, "names": tuple(entry["names"])}) for entry in merged.values()]
    return CountryTable(table, aliases, aggregates)
