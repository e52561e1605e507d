"""The LDC lens (pure): what recipients in each Least Developed Country would
keep each year if sending cost 3 %, from a country's latest figures."""

INFLOW_SERIES = ("knomad_inflows_usd_m", "wdi_inflows_usd_m")  # in this order of preference
TARGET_PCT = 3.0


def latest_inflows(profile):
    """(USD millions, year, series label) of the latest inflows figure, or Nones."""
    for key in INFLOW_SERIES:
        values = {int(y): v for y, v in ((profile.get("series") or {}).get(key, {}).get("values") or {}).items()
                  if v is not None}
        if values:
            year = max(values)
            return values[year], year, profile["series"][key].get("label", key)
    return None, None, None


def ldc_row(profile):
    """What recipients in one LDC would keep each year if sending cost 3 %:
    inflows × (average cost − 3 %), an estimate from the latest figures."""
    cost = profile.get("average_cost_to_receive_pct")
    inflows, year, source = latest_inflows(profile)
    kept = inflows * (cost - TARGET_PCT) / 100 if cost is not None and inflows is not None and cost > TARGET_PCT \
        else (0.0 if cost is not None and inflows is not None else None)
    return {"iso3": profile["country"]["iso3"], "name": profile["country"]["name"], "cost_pct": cost,
            "period": profile.get("period"), "inflows_usd_m": inflows, "inflows_year": year,
            "inflows_source": source, "kept_usd_m": kept}


def ldc_rows(profiles):
    """One row per country, the most expensive to send to first (no cost: last)."""
    return sorted((ldc_row(p) for p in profiles), key=lambda r: (r["cost_pct"] is None, -(r["cost_pct"] or 0)))
