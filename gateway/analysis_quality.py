"""Quality flags and the newest figure added to the answers published before
issue 20: the corridor quarter (its quotes counted) and the country profile
(its newest cost to receive and to send, in any series)."""
from gateway.analysis import flags_for, sdg_answer
from gateway.analysis_scorecard import quote_records
from observatory.analysis.quality import quote_counts
from observatory.clock import utcnow


def corridor_with_quality(answer, today=None):
    """The corridor answer with ``quality``: its headline's series and period,
    their age, and for an observed quarter the quotes counted from its list."""
    if answer.get("average_total_cost_pct") is None or not answer.get("average_source"):
        return {**answer, "quality": None}
    figure = {"value": answer["average_total_cost_pct"], "period": answer["period"],
              "series": answer["average_source"]}
    flags = flags_for(figure, today or utcnow().date())
    if answer["average_source"] == "observed":
        flags.update(quote_counts(quote_records(answer)))
    return {**answer, "quality": flags}


def profile_with_newest(profile, figures, today=None):
    """The profile with ``newest_cost_to_receive`` and ``newest_cost_to_send``
    (the SDG tracker's headlines: period, series, source, quality flags)."""
    answer = sdg_answer(profile["country"]["iso3"], figures, today or utcnow().date())
    return {**profile, "newest_cost_to_receive": answer["receiving"]["headline"],
            "newest_cost_to_send": answer["sending"]["headline"]}
