"""Corridor scorecards served (issue 20 §5): the corridor answer's surveyed
quotes read as the records ``observatory.analysis.scorecard`` takes, the
newest surveyed quarter chosen from the corridor's figures."""
from observatory.analysis.periods import sort_key
from observatory.analysis.quality import quote_counts
from observatory.analysis.scorecard import corridor_scorecard
from observatory.errors import NotFound

from gateway.analysis import SOURCES, flags_for

OVER_5_DAYS = "6 days or more"  # the survey's slowest speed (DESIGN §5: SmaRT needs 5 days or less)


def quote_records(corridor_answer):
    """The corridor answer's observed quotes as parser-style records."""
    return [{"firm": q["provider"], "product": q.get("product"), "transparent": q.get("transparent"),
             "cc1_total_cost": q["total_cost_pct"], "cc1_fx_margin": q.get("fx_margin_pct"),
             "within_5_days": q.get("speed") != OVER_5_DAYS, "firm_type": q.get("firm_type"),
             "payment_instrument": q.get("payment_instrument"), "access_point": q.get("access_point"),
             "pickup_method": q.get("pickup_method"), "speed": q.get("speed")}
            for q in corridor_answer.get("quotes") or []]


def newest_surveyed_period(figures):
    """The newest quarter with observed quotes among a corridor's figures, or None."""
    surveyed = [f["period"] for f in figures if f["series"] == "observed"]
    return max(surveyed, key=sort_key) if surveyed else None


def scorecard_answer(source, destination, newest, corridor_answer, today):
    """``GET /api/v1/corridors/{s}/{d}/scorecard``: the scorecard of the newest
    surveyed quarter (or the one asked for), with the corridor's newest figure in
    any series beside it, each with its period, series and quality flags."""
    if corridor_answer is None:
        raise NotFound(f"no surveyed quotes for {source} → {destination}",
                       {"source": source, "destination": destination, "newest": newest})
    records = quote_records(corridor_answer)
    card = corridor_scorecard(records)
    period = corridor_answer["period"]
    surveyed = {"value": card["average_total_cost_pct"], "period": period, "series": "observed"}
    flags = flags_for(surveyed, today)
    flags.update(quote_counts(records))
    return {"source": source, "destination": destination, "period": period, "series": "observed",
            "source_note": SOURCES["observed"], **card, "quality": flags,
            "newest": {**newest, "source": SOURCES.get(newest["series"]), "quality": flags_for(newest, today)}
            if newest else None}


def receiving_summary(destination, cards):
    """A receiving country's corridors, each in its own newest surveyed quarter."""
    rows = [{"source": c["source"], "period": c["period"], "providers": c["providers"], "products": c["products"],
             "quotes": c["quotes"], "quotes_non_transparent": c["quotes_non_transparent"],
             "average_total_cost_pct": c["average_total_cost_pct"],
             "cheapest_total_cost_pct": c["cheapest_total_cost_pct"], "spread_pp": c["spread_pp"],
             "smart_pct": c["smart"]["value"], "share_below_5": c["share_below_5"],
             "share_at_or_below_3": c["share_at_or_below_3"]} for c in cards]
    ranked = sorted((r for r in rows if r["average_total_cost_pct"] is not None),
                    key=lambda r: r["average_total_cost_pct"])
    return {"destination": destination, "corridors": sorted(rows, key=lambda r: r["source"]),
            "cheapest_corridor": ranked[0] if ranked else None, "dearest_corridor": ranked[-1] if ranked else None}
