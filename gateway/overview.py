"""The overview's answer (pure): the indicators of the latest surveyed
quarter, and the newest figure of every corridor (issue 20 §1) with the
one-vintage mean over them, for every corridor and for those into LDCs."""
from gateway.analysis import ldc_members, newest_overview
from gateway.resources.whole_lists import every_quarter
from observatory.errors import NotFound


def surveyed_quarters(ingest):
    """The indicators of every quarter with quotes, oldest first; none before any is published."""
    try:
        return every_quarter(ingest)
    except NotFound:
        return []


def overview_answer(quarters, figures, today):
    """``quarters``: ``surveyed_quarters``; ``figures``: ingest's ``analysis_corridor_figures``."""
    return {"latest": quarters[-1] if quarters else None, "surveyed_periods": [q["period"] for q in quarters],
            "newest": {"all": newest_overview(figures, None, today),
                       "ldc": newest_overview(figures, ldc_members(), today)}}
