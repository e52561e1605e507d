"""The LDC lens (pure): what recipients in each Least Developed Country would
keep each year if sending cost 3 %, from a country's latest figures."""

from gateway.ldc_newest import rows_for_aggregate, with_flags, with_quote_counts
from observatory.analysis.newest import one_vintage_aggregate

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


def ldc_row(profile, newest=None):
    """What recipients in one LDC would keep each year if sending cost 3 %:
    inflows × (average cost − 3 %), an estimate from the latest figures.
    ``newest`` (the country's newest cost to receive in any series, with its
    period and series: ``gateway.analysis.newest_country_costs``) is the cost
    when given; each row then says its own period and series."""
    cost = newest["value"] if newest else (None if newest is not None else profile.get("average_cost_to_receive_pct"))
    inflows, year, source = latest_inflows(profile)
    kept = inflows * (cost - TARGET_PCT) / 100 if cost is not None and inflows is not None and cost > TARGET_PCT \
        else (0.0 if cost is not None and inflows is not None else None)
    return {"iso3": profile["country"]["iso3"], "name": profile["country"]["name"], "cost_pct": cost,
            "period": newest["period"] if newest else (None if newest is not None else profile.get("period")),
            "series": newest["series"] if newest else (None if newest is not None else "observed"),
            "corridors": newest.get("corridors") if newest else None, "inflows_usd_m": inflows, "inflows_year": year,
            "inflows_source": source, "kept_usd_m": kept}


def ldc_rows(profiles, newest=None, quote_counts=None):
    """One row per country, the most expensive to send to first (no cost: last);
    ``newest``: ``{iso3: newest figure}`` (the newest-figure rule, issue 20);
    ``quote_counts``: ``{period: [corridor counts]}`` (``with_quote_counts``)."""
    rows = (ldc_row(p, None if newest is None else newest.get(p["country"]["iso3"], {})) for p in profiles)
    return with_quote_counts(with_flags(sorted(rows, key=lambda r: (r["cost_pct"] is None, -(r["cost_pct"] or 0)))),
                             quote_counts)


def ldc_lens(profiles, newest=None, quote_counts=None):
    """The lens's answer: its rows, the yearly total kept at 3 % over the rows with both inputs, and
    the mean over the rows of one period and one series only, with its coverage of the group."""
    rows = ldc_rows(profiles, newest, quote_counts)
    combined = one_vintage_aggregate(rows_for_aggregate(rows), rows_in_group=len(rows))
    return {"target_pct": TARGET_PCT, "rows": rows, "aggregate": combined["aggregate"],
            "other_vintages": combined["other_vintages"],
            "total_kept_usd_m": sum(r["kept_usd_m"] for r in rows if r["kept_usd_m"] is not None)}
