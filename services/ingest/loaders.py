"""What each dataset kind does with its accepted records: collect them while
the file is parsed, then, once the whole file was read, either stage them for
publishing (observed quotes: see ``publication``) or commit them in bulk (so
an unreadable file leaves stored data untouched)."""
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field

from services.ingest import messages, plausibility, publication, releases
from services.ingest.indicators import DEFAULT_WEIGHT_LAG_YEARS, Quote
from services.ingest.plausibility import Rules


@dataclass
class Outcome:
    summary: dict
    events: list = field(default_factory=list)
    staged: bool = False  # published by ``publication.publish`` rather than already written
    review: dict | None = None  # the diff against what is published (staged kinds)
    firms: list = field(default_factory=list)

QUOTE_NUMBERS = tuple(f for f in plausibility.BOUNDS if f.startswith(("cc1_", "cc2_", "interbank")))

PRODUCT_FIELDS = ("product", "payment_instrument", "pickup_method", "access_point", "speed", "coverage")
_INTERNED = ("firm", "firm_type", "product", "payment_instrument", "access_point", "pickup_method", "speed")


class QuotesLoader:
    """rpw-quotes: observed quotes, grouped by corridor-period."""

    def __init__(self, store, dataset_id, rules=None, **options):
        self.store, self.dataset_id = store, dataset_id
        self.groups = defaultdict(list)
        self.firms = {}
        self.rules = rules or Rules()
        self.suspects, self.duplicates = [], plausibility.DuplicateIds()

    def add(self, record, row=None):
        where = {k: record[k] for k in ("period", "source", "destination")}
        self.suspects += plausibility.out_of_bounds(record, self.rules, row, QUOTE_NUMBERS, **where)
        self.suspects += self.duplicates.check(record, row)
        for name in _INTERNED:  # 25k rows name ~500 firms: share the strings
            if record.get(name) is not None:
                record[name] = sys.intern(record[name])
        key = (record["period"], record["source"], record["destination"])
        self.groups[key].append(Quote.from_record(record))
        self._observe_firm(record)

    def _observe_firm(self, record):
        """What the catalog learns of the firm: types, corridors with the
        first and last period seen, and its products."""
        firm = self.firms.setdefault(record["firm"], {"name": record["firm"], "firm_types": set(), "corridors": {},
                                                      "products": set()})
        if record.get("firm_type"):
            firm["firm_types"].add(record["firm_type"])
        period = record["period"]
        first, last = firm["corridors"].get((record["source"], record["destination"]), (period, period))
        firm["corridors"][(record["source"], record["destination"])] = (min(first, period), max(last, period))
        firm["products"].add(tuple(record.get(name) for name in PRODUCT_FIELDS))

    def finish(self):
        summaries = publication.stage(self.store, self.dataset_id, self.groups)
        diff = publication.diff_against_published(self.store, self.dataset_id, summaries)
        suspects = self.suspects + plausibility.corridor_suspects(summaries, publication.published_averages(self.store),
                                                                  self.rules)
        if suspects:
            diff = {**diff, "needs_review": True, **plausibility.review_of(suspects, self.rules)}
        firms = [_firm_view(f) for f in sorted(self.firms.values(), key=lambda f: f["name"])]
        periods = sorted({p for p, _, _ in self.groups})
        summary = {"periods": periods, "corridor_periods": len(self.groups), "firms": len(firms)}
        return Outcome(summary, messages.firms_observed(self.dataset_id, firms), staged=True, review=diff,
                       firms=firms)


def _firm_view(firm):
    corridors = [{"source": s, "destination": d, "first_period": first, "last_period": last}
                 for (s, d), (first, last) in sorted(firm["corridors"].items())]
    products = [dict(zip(PRODUCT_FIELDS, values)) for values in sorted(firm["products"], key=lambda v: [x or "" for x in v])]
    return {"name": firm["name"], "firm_types": sorted(firm["firm_types"]), "corridors": corridors,
            "products": products}


class CheckedLoader:
    """A kind written when imported: its records are checked as they come
    (``suspects``) and, once the file is read (``history_suspects``); with
    any suspect the records are held for review, not written (``commit``
    writes them, then or when an operator publishes them). ``rules=False``:
    publishing after review, nothing checked."""

    def __init__(self, store, dataset_id, rules=None, **options):
        self.store, self.dataset_id = store, dataset_id
        self.rules = Rules() if rules is None else rules
        self.rows, self.records, self.suspects = [], [], []

    def add(self, record, row=None):
        if self.rules:
            self.rows.append(row)
            self.records.append(record)
            self.suspects += self.check(record, row)
        self.apply(record)

    def check(self, record, row):
        return plausibility.out_of_bounds(record, self.rules, row)

    def history_suspects(self):
        return []

    def finish(self):
        suspects = self.suspects + (self.history_suspects() if self.rules else [])
        if not suspects:
            return self.commit()
        self.store.datasets.hold_records(self.dataset_id, self.rows, self.records)
        return Outcome(self.held_summary(), review={"needs_review": True, **plausibility.review_of(suspects, self.rules)})

    def held_summary(self):
        return {"records_held": len(self.records)}


class SeriesLoader(CheckedLoader):
    """A corridor series published elsewhere (``series``), replaced corridor
    by corridor within one document per period."""

    series = None

    def __init__(self, store, dataset_id, **options):
        super().__init__(store, dataset_id, **options)
        self.periods = defaultdict(dict)

    def check(self, record, row):
        return plausibility.out_of_bounds(record, self.rules, row, period=record["period"],
                                          source=record["source"], destination=record["destination"])

    def history_suspects(self):
        """Each corridor's values in the file against its others (stored ones too)."""
        points = defaultdict(dict, self.store.series.series_averages(self.series))
        for period, corridors in self.periods.items():
            for key, entry in corridors.items():
                points[key][period] = entry.get("average_total_cost_pct")
        found = []
        for number, (key, values) in enumerate(points.items()):
            if number % 50 == 0:
                time.sleep(0)  # cooperative
            values = {p: v for p, v in values.items() if v is not None}
            source, destination = key.split(":")
            found += [plausibility.by_period(s) for s in plausibility.history_outliers(
                values, self.rules, "average_total_cost_pct", source=source, destination=destination)
                if key in self.periods.get(s["point"], {})]
        return found

    def held_summary(self):
        return {"periods": sorted(self.periods), "corridor_series": self.series}

    def apply(self, record):
        values = {k: v for k, v in record.items() if k not in ("period", "source", "destination")}
        self.periods[record["period"]][f"{record['source']}:{record['destination']}"] = {
            **values, "dataset_id": self.dataset_id}

    def commit(self):
        release = releases.record_series(self.store, self.dataset_id, self.kind, self.series, self.periods)
        self.store.series.write_series(self.series, self.periods)
        self.store.vintages.complete_release(release["_id"])
        return Outcome({"periods": sorted(self.periods), "corridor_series": self.series,
                        "corridor_periods": sum(len(c) for c in self.periods.values())})


class CorridorAveragesLoader(SeriesLoader):
    """rpw-corridor-averages: the World Bank's official corridor averages."""

    series = "official"
    kind = "rpw-corridor-averages"


class CorridorMeansLoader(SeriesLoader):
    """rpw-corridor-means: corridor-quarter means derived by a third party."""

    series = "derived"
    kind = "rpw-corridor-means"


class BilateralMatrixLoader(CheckedLoader):
    """bilateral-matrix: one document per (year, sending country); a revised
    matrix replaces the rows it covers. Weighted averages of the periods that
    use this year's weights are recomputed."""

    def __init__(self, store, dataset_id, weight_lag_years=DEFAULT_WEIGHT_LAG_YEARS, **options):
        super().__init__(store, dataset_id, **options)
        self.weight_lag_years = weight_lag_years
        self.matrix_rows, self.residuals, self.years = {}, {}, set()

    def check(self, record, row):
        found = plausibility.out_of_bounds(record, self.rules, row, ("published_total",))
        for destination, value in (record.get("flows") or {}).items():
            found += plausibility.out_of_bounds({"flow_usd_m": value}, self.rules, row, source=record.get("source"),
                                                destination=destination)
        return found

    def held_summary(self):
        return {"years": sorted(self.years), "sending_countries": len(self.matrix_rows)}

    def apply(self, record):
        self.years.add(record["year"])
        if "residual" in record:
            self.residuals[record["residual"]] = record["published_total"]
            return
        key = f"{record['year']}:{record['source']}"
        self.matrix_rows[key] = {"_id": key, "year": record["year"], "source": record["source"], "flows": record["flows"],
                          "destinations": sorted(record["flows"]), "published_total": record["published_total"],
                          "vintage": record["vintage"], "dataset_id": self.dataset_id}

    def commit(self):
        release = releases.record_matrix(self.store, self.dataset_id, self.matrix_rows)  # before: a vintage
        self.store.series.save_matrix_rows(self.matrix_rows)
        self.store.vintages.complete_release(release["_id"])
        first_year = min(self.years) if self.years else None
        affected = [p for p in publication.published_periods(self.store)
                    if first_year and int(p[:4]) >= first_year + self.weight_lag_years]
        if affected:
            publication.reweight(self.store, affected, f"reweight:{self.dataset_id}", f"reweighted by matrix {self.dataset_id}",
                                 self.weight_lag_years)
        return Outcome({"years": sorted(self.years), "sending_countries": len(self.matrix_rows),
                        "residual_rows": self.residuals, "periods_reweighted": affected})


class CountryFlowsLoader(CheckedLoader):
    """country-flows: series per economy, replaced series by series."""

    def __init__(self, store, dataset_id, **options):
        super().__init__(store, dataset_id, **options)
        self.updates = {}

    def check(self, record, row):
        where = {"economy": record["iso3"], "series": record["series"]}
        found = [{**s, "field": f"{record['series']} {year}", "point": year}
                 for year, value in record["values"].items()
                 for s in plausibility.out_of_bounds({record["unit"]: value}, self.rules, row, **where)]
        return found + plausibility.history_outliers(record["values"], self.rules, record["series"],
                                                     ratio=record["unit"] == "USD millions", row=row, **where)

    def held_summary(self):
        return {"economies": len(self.updates)}

    def apply(self, record):
        series = {k: record[k] for k in ("label", "unit", "source", "values", "note") if k in record}
        self.updates.setdefault(record["iso3"], {})[f"series.{record['series']}"] = {**series,
                                                                                      "dataset_id": self.dataset_id}

    def commit(self):
        release = releases.record_country_flows(self.store, self.dataset_id, self.updates)  # before: a vintage
        self.store.series.save_country_series(self.updates, self.dataset_id)
        self.store.vintages.complete_release(release["_id"])
        names = sorted({k.split(".", 1)[1] for fields in self.updates.values() for k in fields})
        return Outcome({"economies": len(self.updates), "series": names})


LOADERS = {
    "rpw-quotes": QuotesLoader,
    "rpw-corridor-averages": CorridorAveragesLoader,
    "rpw-corridor-means": CorridorMeansLoader,
    "bilateral-matrix": BilateralMatrixLoader,
    "country-flows": CountryFlowsLoader,
}
