"""What a publication changes, decided over plain values (``publication``
applies it): the staged documents of a file, its diff against what is
published, the new period states, and the corridor-periods whose average is
new or moved (each one a ``corridor.cost.changed``)."""
import time
from collections import Counter, defaultdict

from services.ingest.indicators import Quote, corridor_figures, period_figures

QUOTE_FIELDS = list(Quote._fields)  # quotes are stored as rows in this order: a fifth of a dict's size
QUOTE_IDENTITY = ("firm", "product", "payment_instrument", "access_point", "pickup_method")
CHANGE_TOLERANCE_PP = 1e-9
MAX_LISTED_LOSSES = 500
SUMMARY_FIELDS = ("sum_total_cost_pct", "quotes_transparent", "quotes_total", "average_total_cost_pct",
                  "smart_average_pct", "cheapest_provider", "average_total_cost_pct_500")


def figures_of(rows):
    """A corridor-period's figures, computed from its stored rows as staging computes them (so not stored)."""
    return corridor_figures([Quote(*row) for row in rows])


def staged_figures(doc):
    """A staged document's figures: stored by older versions, else computed from its ``quotes``."""
    return doc.get("figures") or figures_of(doc["quotes"])


def corridor_summary(figures, dataset_id):
    """What period figures, lists and change detection need of one corridor-period."""
    return {**{k: figures.get(k) for k in SUMMARY_FIELDS}, "dataset_id": dataset_id}


def staged_documents(dataset_id, groups):
    """The documents that stage ``groups`` ({(period, source, destination): [Quote]}), with their rows, and
    {(period, source, destination): summary}."""
    docs, summaries = [], {}
    for number, (period, source, destination) in enumerate(sorted(groups)):
        if number % 50 == 0:
            time.sleep(0)  # cooperative: let RPC workers answer meanwhile
        quotes = groups[(period, source, destination)]
        summaries[(period, source, destination)] = corridor_summary(corridor_figures(quotes), dataset_id)
        docs.append({"period": period, "source": source, "destination": destination, "quote_fields": QUOTE_FIELDS,
                     "rows": [list(q) for q in quotes]})  # figures: on read
    return docs, summaries


def moved(before, after):
    if (before is None) != (after is None):
        return True
    return before is not None and abs(after - before) > CHANGE_TOLERANCE_PP


def diff(dataset_id, summaries, states):
    """The staged dataset (``summaries``) against the published ``states`` ({period: state}): corridor-periods
    added, changed, unchanged, not covered, and the ones that would lose quotes, as
    (period, source, destination, published summary); ``needs_review`` when any would."""
    added, changed, unchanged, shrinking, replaced = 0, 0, 0, [], set()
    for (period, source, destination), summary in sorted(summaries.items()):
        old = states.get(period, {}).get("corridors", {}).get(f"{source}:{destination}")
        if old is None:
            added += 1
            continue
        if old["dataset_id"] != dataset_id:
            replaced.add(old["dataset_id"])
        if (old.get("quotes_total") or 0) > (summary.get("quotes_total") or 0):
            shrinking.append((period, source, destination, old))
        elif moved(old.get("average_total_cost_pct"), summary["average_total_cost_pct"]) or \
                old.get("quotes_total") != summary.get("quotes_total"):
            changed += 1
        else:
            unchanged += 1
    periods = {p for p, _, _ in summaries}
    covered = {(p, f"{s}:{d}") for p, s, d in summaries}
    not_covered = sum(1 for p in periods for key in states.get(p, {}).get("corridors", {}) if (p, key) not in covered)
    return {"needs_review": bool(shrinking), "corridor_periods_added": added, "corridor_periods_changed": changed,
            "corridor_periods_unchanged": unchanged, "corridor_periods_losing_quotes": len(shrinking),
            "corridor_periods_not_covered": not_covered, "replaces_datasets": sorted(replaced)}, shrinking


def _identities(doc):
    fields = doc["quote_fields"]
    return Counter(tuple(dict(zip(fields, q)).get(f) for f in QUOTE_IDENTITY) for q in doc["quotes"])


def quotes_lost(period, source, destination, published, before_doc, after_doc):
    """Which published quotes (``before_doc``, staged by the published dataset) a shrinking corridor-period
    would drop in favour of ``after_doc``."""
    before, after = _identities(before_doc), _identities(after_doc)
    lost = before - after
    return {"period": period, "source": source, "destination": destination,
            "published_dataset_id": published["dataset_id"], "quotes_before": published.get("quotes_total"),
            "quotes_after": sum(after.values()), "quotes_lost": sum(before.values()) - sum(after.values()),
            "lost": [dict(zip(QUOTE_IDENTITY, identity)) for identity in sorted(lost, key=str)][:20]}


def with_losses(review, losses):
    return {**review, "quotes_lost": sum(loss["quotes_lost"] for loss in losses), "losses": losses[:MAX_LISTED_LOSSES]}


def corridors_by_period(summaries):
    """{period: {"SRC:DST": summary}} of a dataset's staged summaries."""
    by_period = defaultdict(dict)
    for (period, source, destination), summary in summaries.items():
        by_period[period][f"{source}:{destination}"] = summary
    return by_period


def weight_year(matrix_years, year, lag_years):
    """The latest matrix published before ``year``: its reference year is at most ``year - lag_years``."""
    return max((y for y in matrix_years if y <= year - lag_years), default=None)


def new_states(periods, replacements, published, weights_by_year, token, now):
    """The period states after the change: for each period, its published corridors with ``replacements``
    ({period: {"SRC:DST": summary}}) laid over, and its figures with the weights of its year
    (``weights_by_year``: {year: (weights, weight year)})."""
    states = {}
    for period in periods:
        time.sleep(0)  # cooperative
        corridors = {**published.get(period, {}).get("corridors", {}), **replacements.get(period, {})}
        weights, weight_year_used = weights_by_year[int(period[:4])]
        listed = [{"source": k.split(":")[0], "destination": k.split(":")[1], **v} for k, v in corridors.items()]
        states[period] = {"_id": f"{period}@{token}", "period": period, "corridors": corridors,
                          "figures": period_figures(period, listed, weights, weight_year_used), "created_at": now}
    return states


def corridor_changes(old_states, new_states_by_period, dataset_id):
    """Every corridor-period of the dataset that is new or whose average moved, with the corridor's previous
    period: the data of each ``corridor.cost.changed``."""
    history = defaultdict(dict)  # "SRC:DST" -> {period: average}
    for period, state in {**old_states, **new_states_by_period}.items():
        for key, entry in state.get("corridors", {}).items():
            history[key][period] = entry.get("average_total_cost_pct")
    changes = []
    for period, state in sorted(new_states_by_period.items()):
        old_corridors = old_states.get(period, {}).get("corridors", {})
        for key, entry in sorted(state["corridors"].items()):
            if entry["dataset_id"] != dataset_id:
                continue
            old = old_corridors.get(key)
            if old is not None and not moved(old.get("average_total_cost_pct"), entry["average_total_cost_pct"]):
                continue
            source, destination = key.split(":")
            earlier = [p for p in history[key] if p < period]
            previous = max(earlier) if earlier else None
            changes.append({
                "source": source, "destination": destination, "period": period, "dataset_id": dataset_id,
                "average_total_cost_pct": entry["average_total_cost_pct"],
                "smart_average_pct": entry["smart_average_pct"], "quotes_transparent": entry["quotes_transparent"],
                "revised_from_pct": None if old is None else old.get("average_total_cost_pct"),
                "previous_period": previous,
                "previous_period_average_pct": history[key][previous] if previous else None})
    return changes
