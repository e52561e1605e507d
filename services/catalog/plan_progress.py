"""A national remittance plan's progress from published corridor figures: a
pure decision over plain values (no store), so it is tested on the real RPW
figures alone."""


def quarter_index(period):
    """2014Q1 → a count of quarters, so periods subtract."""
    return int(period[:4]) * 4 + int(period[5]) - 1


def plan_cost_by_period(plan, figures):
    """{period: mean cost over the plan's corridors with a figure that period}
    from ``figures`` (``{"corridor", "period", "series", "value"}`` dicts) of the plan's series."""
    wanted, per_period = set(plan["corridors"]), {}
    for f in figures:
        if f["corridor"] in wanted and f["series"] == plan.get("series", "observed") and f["value"] is not None:
            per_period.setdefault(f["period"], []).append(f["value"])
    return {p: sum(v) / len(v) for p, v in sorted(per_period.items())}


def plan_progress(plan, figures, today_period=None):
    """Each target year's status from the figures.

    The rule: the plan's cost is the mean over its corridors in a period;
    the expected path runs in a straight line from the baseline (its period
    and cost) to each target, due in the target year's last quarter. Judged
    on the newest period up to that quarter:

    - ``met``: that cost is at or below the target;
    - ``off_track``: above the target while the year is over (a figure of its
      last quarter or later is published, or ``today_period`` is past it), or
      above the straight path at that period;
    - ``on_track``: above the target, at or below the path, the year not over;
    - ``no_data``: no figure after the baseline up to the target year.

    So a 2014 target below the observed 2014Q1 cost, whose path at 2014Q1 the
    cost is above, is off track before the year ends."""
    costs = plan_cost_by_period(plan, figures)
    start, base_cost = quarter_index(plan["baseline"]["period"]), plan["baseline"]["cost_pct"]
    newest_published = max(costs, default=None)
    targets = []
    for target in sorted(plan["targets"], key=lambda t: t["year"]):
        due = quarter_index(f"{target['year']}Q4")
        seen = [p for p in costs if start < quarter_index(p) <= due]
        row = {"year": target["year"], "cost_pct": target["cost_pct"], "status": "no_data",
               "observed_period": None, "observed_pct": None, "expected_pct": None}
        if seen:
            period = max(seen)
            span = max(due - start, 1)
            expected = base_cost + (target["cost_pct"] - base_cost) * min(quarter_index(period) - start, span) / span
            over = any(quarter_index(p) >= due for p in filter(None, (newest_published, today_period)))
            observed = costs[period]
            status = ("met" if observed <= target["cost_pct"] else
                      "off_track" if over or observed > expected else "on_track")
            row.update(status=status, observed_period=period, observed_pct=round(observed, 4),
                       expected_pct=round(expected, 4))
        targets.append(row)
    newest = {"period": newest_published, "cost_pct": round(costs[newest_published], 4)} if costs else None
    return {"series": plan.get("series", "observed"), "corridors": list(plan["corridors"]), "newest": newest,
            "targets": targets}


def progress_changes(before, after):
    """What a new publication changed, for alerts: ``met`` when a target became
    met, ``slipped`` when one that was met or on track is now off track."""
    was = {t["year"]: t["status"] for t in (before or {}).get("targets", [])}
    changes = []
    for target in after["targets"]:
        old, new = was.get(target["year"], "no_data"), target["status"]
        if new == old:
            continue
        if new == "met":
            changes.append({"year": target["year"], "change": "met", "from": old, "to": new})
        elif new == "off_track" and old in ("met", "on_track", "no_data"):
            changes.append({"year": target["year"], "change": "slipped", "from": old, "to": new})
    return changes
