"""Ingest's decisions as plain functions over plain values, on the real RPW
quotes of 2011Q1 (no store, no mongomock): what a publication changes
(``publication_plan``) and whether an operator may publish or reject a
dataset (``operator_review``)."""
import datetime as dt
import io
import re
from collections import defaultdict

import pytest

from observatory.errors import Conflict, NotFound
from services.ingest import messages, operator_review, publication_plan as plan
from services.ingest.indicators import Quote
from services.ingest.parsers.rpw_quotes import parse_rpw_quotes
from tests.ingest_files import FLOWS, as_csv, real_rows

NOW = dt.datetime(2026, 12, 2, tzinfo=dt.timezone.utc)
FIRST, REVISION = "a1" * 8, "b2" * 8  # dataset ids
NO_WEIGHTS = {2011: ({}, None)}


@pytest.fixture(scope="module")
def quarter():
    """The real rows of 2011Q1 (header, rows)."""
    header, rows = real_rows()
    return header, [r for r in rows if r[header.index("period")] == "2011_1Q"]


def groups_of(header, rows):
    """{(period, source, destination): [Quote]} as the quotes loader groups the parsed rows."""
    groups = defaultdict(list)
    for parsed in parse_rpw_quotes(io.BytesIO(as_csv(header, rows))):
        record = parsed.record
        groups[(record["period"], record["source"], record["destination"])].append(Quote.from_record(record))
    return groups


def published(dataset_id, summaries):
    """The period states a first publication of ``summaries`` makes (nothing published before)."""
    replacements = plan.corridors_by_period(summaries)
    return plan.new_states(sorted(replacements), replacements, {}, NO_WEIGHTS, "first", NOW)


def as_stored(doc):
    return {"quote_fields": doc["quote_fields"], "quotes": doc["rows"]}


def busiest(groups):
    return max(groups, key=lambda key: len(groups[key]))


def test_a_first_publication_announces_every_corridor_period_with_its_figures(quarter):
    groups = groups_of(*quarter)
    docs, summaries = plan.staged_documents(FIRST, groups)
    assert len(docs) == len(summaries) == len(groups) > 100
    states = published(FIRST, summaries)
    assert list(states) == ["2011Q1"] and len(states["2011Q1"]["corridors"]) == len(groups)
    changes = plan.corridor_changes({}, states, FIRST)
    assert len(changes) == len(groups)
    key = busiest(groups)
    change = next(c for c in changes if (c["period"], c["source"], c["destination"]) == key)
    counted = [q.total_cost_pct for q in groups[key] if q.transparent is True]
    assert change["average_total_cost_pct"] == pytest.approx(sum(counted) / len(counted))
    assert (change["revised_from_pct"], change["previous_period"]) == (None, None)
    assert messages.corridor_cost_changed(change)["data"] == change  # within its contract


def test_a_revision_of_one_corridor_changes_only_it_and_says_what_it_revised(quarter):
    header, rows = quarter
    groups = groups_of(header, rows)
    _, first = plan.staged_documents(FIRST, groups)
    before = published(FIRST, first)
    period, source, destination = key = busiest(groups)
    corridor = [list(r) for r in rows if (r[header.index("source")], r[header.index("destination")]) ==
                (source, destination)]
    cost = header.index("cc1.total.cost..")
    for row in corridor:  # the corridor re-surveyed at +1 pp
        row[cost] = str(float(row[cost]) + 1)
    _, revised = plan.staged_documents(REVISION, groups_of(header, corridor))

    review, shrinking = plan.diff(REVISION, revised, before)
    assert (review["needs_review"], shrinking) == (False, [])
    assert (review["corridor_periods_changed"], review["replaces_datasets"]) == (1, [FIRST])
    assert review["corridor_periods_not_covered"] == len(groups) - 1

    replacements = plan.corridors_by_period(revised)
    after = plan.new_states([period], replacements, before, NO_WEIGHTS, "revision", NOW)
    assert {k: v["dataset_id"] for k, v in after[period]["corridors"].items() if v["dataset_id"] == REVISION} == \
        {f"{source}:{destination}": REVISION}
    [change] = plan.corridor_changes(before, after, REVISION)
    old = before[period]["corridors"][f"{source}:{destination}"]["average_total_cost_pct"]
    assert change["revised_from_pct"] == pytest.approx(old)
    assert change["average_total_cost_pct"] == pytest.approx(old + 1)
    assert after[period]["figures"]["global_average_pct"] > before[period]["figures"]["global_average_pct"]


def test_a_file_that_drops_a_published_quote_is_held_naming_the_quote_it_would_remove(quarter):
    header, rows = quarter
    groups = groups_of(header, rows)
    first_docs, first = plan.staged_documents(FIRST, groups)
    states = published(FIRST, first)
    key = busiest(groups)
    dropped = next(i for i, r in enumerate(rows) if (r[header.index("source")], r[header.index("destination")]) ==
                   key[1:])
    truncated_docs, truncated = plan.staged_documents(REVISION, groups_of(header, rows[:dropped] + rows[dropped + 1:]))

    review, shrinking = plan.diff(REVISION, truncated, states)
    assert review["needs_review"] is True and review["corridor_periods_losing_quotes"] == 1
    assert review["corridor_periods_unchanged"] == len(groups) - 1
    [(period, source, destination, old)] = shrinking
    before = next(d for d in first_docs if (d["period"], d["source"], d["destination"]) == key)
    after = next(d for d in truncated_docs if (d["period"], d["source"], d["destination"]) == key)
    loss = plan.quotes_lost(period, source, destination, old, as_stored(before), as_stored(after))
    assert (loss["quotes_before"], loss["quotes_after"], loss["quotes_lost"]) == (len(groups[key]),
                                                                                  len(groups[key]) - 1, 1)
    gone = next(q for q in groups[key] if q.source_id == rows[dropped][header.index("id")])
    assert loss["lost"] == [{f: getattr(gone, f) for f in plan.QUOTE_IDENTITY}]
    assert plan.with_losses(review, [loss])["quotes_lost"] == 1


def test_the_weights_of_a_quarter_come_from_the_matrix_published_two_years_before():
    years = sorted({int(re.search(r"_(\d{4})", p.name).group(1)) for p in FLOWS.glob("bilateral_remittance_matrix_*")})
    assert 2012 in years and 2009 not in years
    assert plan.weight_year(years, 2014, 2) == 2012
    assert plan.weight_year(years, 2011, 2) is None  # no matrix of 2009 or earlier
    assert plan.weight_year([2011, 2012], 2013, 2) == 2011


@pytest.mark.parametrize("status,kind,action,allowed", [
    ("needs_review", "rpw-quotes", "published", True), ("completed", "rpw-quotes", "published", True),
    ("rejected", "rpw-quotes", "published", True), ("needs_review", "country-flows", "rejected", True),
    ("completed", "rpw-quotes", "rejected", False), ("failed", "rpw-quotes", "published", False),
    ("processing", "rpw-quotes", "rejected", False), ("completed", "country-flows", "published", False)])
def test_an_operator_publishes_or_rejects_only_what_is_staged_or_held(status, kind, action, allowed):
    dataset = {"_id": FIRST, "kind": kind, "status": status}
    if allowed:
        assert operator_review.check_action(dataset, FIRST, action) is dataset
        return
    with pytest.raises(Conflict) as refused:
        operator_review.check_action(dataset, FIRST, action)
    assert refused.value.details["id"] == FIRST and refused.value.status == 409


def test_an_unknown_dataset_is_not_found_and_a_decision_records_who_and_when():
    with pytest.raises(NotFound):
        operator_review.check_action(None, FIRST, "published")
    assert operator_review.decision("rejected", "cred_1", NOW) == {"action": "rejected", "by": "cred_1",
                                                                   "at": "2026-12-02T00:00:00+00:00"}
    assert operator_review.republishing({"status": "completed"}) is True
    assert operator_review.republishing({"status": "needs_review"}) is False
