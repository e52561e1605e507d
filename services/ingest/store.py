"""Small helpers every ingest write shares: the clock, keys, matrix weights."""

from services.ingest.models import BilateralFlows

SOURCE = "ingest"



def corridor_key(period, source, destination):
    return f"{period}:{source}:{destination}"


def weights_for(year, lag_years):
    """Bilateral flows of the latest matrix published before ``year``: its
    reference year is at most ``year - lag_years``. (weights, weight_year)."""
    collection = BilateralFlows._get_collection()
    years = [y for y in collection.distinct("year") if y <= year - lag_years]
    if not years:
        return {}, None
    weight_year = max(years)
    weights = {}
    for row in collection.find({"year": weight_year}, {"source": 1, "flows": 1}):
        for destination, value in row["flows"].items():
            weights[(row["source"], destination)] = value
    return weights, weight_year
