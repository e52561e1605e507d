"""What ingest keeps beside the observed quotes: corridor series published
elsewhere (official, derived), bilateral matrices and country flow series."""
from pymongo import ASCENDING

from services.ingest.models import BilateralFlows, CountryFlows, SeriesPeriod


class SeriesStore:
    def __init__(self, db):
        self.series = db[SeriesPeriod._meta["collection"]]
        self.matrix = db[BilateralFlows._meta["collection"]]
        self.country_flows = db[CountryFlows._meta["collection"]]

    def ensure_indexes(self):
        self.series.create_index([("series", ASCENDING), ("period", ASCENDING)])
        self.series.create_index([("period", ASCENDING)])
        self.matrix.create_index([("year", ASCENDING)])
        self.matrix.create_index([("destinations", ASCENDING)])

    # -- corridor series ------------------------------------------------------------------------
    def series_averages(self, series):
        """{"SRC:DST": {period: average}} of one stored series (the history plausibility compares with)."""
        points = {}
        for doc in self.series.find({"series": series}):
            for key, entry in doc.get("corridors", {}).items():
                points.setdefault(key, {})[doc["period"]] = entry.get("average_total_cost_pct")
        return points

    def write_series(self, series, corridors_by_period):
        """Replace the given corridors of each period ({period: {"SRC:DST": entry}}), one write per period."""
        for period, corridors in sorted(corridors_by_period.items()):
            self.series.update_one({"_id": f"{series}:{period}"}, {
                "$set": {"series": series, "period": period,
                         **{f"corridors.{key}": value for key, value in corridors.items()}}}, upsert=True)

    def corridor_series(self, series, key, period=None):
        """{period: entry} of one corridor ("SRC:DST") in a series."""
        query = {"series": series, f"corridors.{key}": {"$exists": True}, **({"period": period} if period else {})}
        return {d["period"]: d["corridors"][key] for d in self.series.find(query, {"period": 1, f"corridors.{key}": 1})}

    def series_in_period(self, period):
        """{series: {"SRC:DST": entry}} of one period."""
        return {d["series"]: d.get("corridors", {}) for d in self.series.find({"period": period})}

    def series_by_period(self, series_names, periods=None):
        """{period: {series: {"SRC:DST": entry}}} of these series (``periods``: only those), in one query."""
        query = {"series": {"$in": list(series_names)}, **({"period": {"$in": list(periods)}} if periods else {})}
        found = {}
        for d in self.series.find(query):
            found.setdefault(d["period"], {})[d["series"]] = d.get("corridors", {})
        return found

    def series_periods(self):
        return set(self.series.distinct("period"))

    # -- bilateral matrices ---------------------------------------------------------------------
    def save_matrix_rows(self, rows):
        """Insert the new rows ({id: document}) in bulk; replace the ones already stored."""
        existing = {d["_id"] for d in self.matrix.find({"_id": {"$in": list(rows)}}, {"_id": 1})}
        fresh = [row for key, row in rows.items() if key not in existing]
        if fresh:
            self.matrix.insert_many(fresh)
        for key in existing:
            self.matrix.replace_one({"_id": key}, rows[key])

    def matrix_rows(self, keys):
        """{"<year>:<sender>": stored row} of these rows (the ones a new file replaces)."""
        return {d["_id"]: d for d in self.matrix.find({"_id": {"$in": list(keys)}},
                                                      {"year": 1, "source": 1, "flows": 1})}

    def matrix_years(self):
        return sorted(self.matrix.distinct("year"))

    def matrix_weights(self, year):
        """{(source, destination): USD millions} of the matrix of reference year ``year``."""
        weights = {}
        for row in self.matrix.find({"year": year}, {"source": 1, "flows": 1}):
            for destination, value in row["flows"].items():
                weights[(row["source"], destination)] = value
        return weights

    def senders_to(self, year, iso3):
        """[{source, usd_millions}] of the matrix of ``year`` into ``iso3``."""
        return [{"source": row["source"], "usd_millions": row["flows"][iso3]}
                for row in self.matrix.find({"year": year, "destinations": iso3}, {"source": 1, "flows": 1})]

    # -- country flows --------------------------------------------------------------------------
    def save_country_series(self, updates, dataset_id):
        """Replace the given series of each economy ({iso3: {"series.<name>": entry}})."""
        for iso3, fields in updates.items():
            self.country_flows.update_one({"_id": iso3}, {"$set": fields, "$addToSet": {"dataset_ids": dataset_id}},
                                          upsert=True)

    def country_series(self, iso3s):
        """{iso3: {series name: series}} of these economies."""
        return {d["_id"]: d.get("series", {})
                for d in self.country_flows.find({"_id": {"$in": list(iso3s)}}, {"series": 1})}

    # -- the SDMX sources (whole series, paged by the caller) -----------------------------------
    def series_points(self, series, corridor=None):
        """{"SRC:DST": {period: entry}} of one stored series; ``corridor`` ("SRC:DST"): only that one."""
        query, projection = {"series": series}, None
        if corridor:
            query[f"corridors.{corridor}"] = {"$exists": True}
            projection = {"period": 1, f"corridors.{corridor}": 1}
        points = {}
        for doc in self.series.find(query, projection):
            for key, entry in doc.get("corridors", {}).items():
                points.setdefault(key, {})[doc["period"]] = entry
        return points

    def flow_economies(self):
        """Every economy with a country series or a bilateral-matrix inflow, sorted."""
        return sorted(set(self.country_flows.distinct("_id")) | set(self.matrix.distinct("destinations")))

    def matrix_into(self, iso3s):
        """[{year, source, flows: {iso3: USD millions}}] of every matrix row into these economies, only their cells."""
        projection = {"year": 1, "source": 1, **{f"flows.{iso3}": 1 for iso3 in iso3s}}
        return list(self.matrix.find({"destinations": {"$in": list(iso3s)}}, projection))
