"""The corridor events and subscriptions the notify tests use, needing no
store: an event built from given figures, and the real ones, from the real
RPW quotes in ../shared/data (each corridor's mean total cost of its
transparent USD 200 quotes per period, and the change from one period to
the next, as ingest publishes it)."""
import csv
import datetime as dt
import functools
from collections import defaultdict

from observatory.contracts.notify import SubscriptionCreateSchema
from observatory.events import new_event, parse_event
from services.notify import subscriptions, webhooks
from tests.ingest_files import RPW_QUOTES

DATASET_ID = "0123456789abcdef"
NOW = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.timezone.utc)
ARE_NPL, SAU_NPL = ("ARE", "NPL"), ("SAU", "NPL")  # in the real file: ARE→NPL crosses 5 % three times, SAU→NPL never


def corridor_event(average, previous, source="SAU", destination="NPL", period="2014Q1", previous_period="2013Q4",
                   quotes_transparent=5):
    return parse_event(new_event("corridor.cost.changed", "ingest", {
        "source": source, "destination": destination, "period": period, "dataset_id": DATASET_ID,
        "average_total_cost_pct": average, "smart_average_pct": None, "quotes_transparent": quotes_transparent,
        "revised_from_pct": None, "previous_period": previous_period, "previous_period_average_pct": previous}))


@functools.lru_cache(maxsize=1)
def observed_series():
    """{(source, destination): [(period, mean total cost of transparent USD 200 quotes, how many)]},
    from the raw file; only corridors with transparent quotes in every one of their periods."""
    totals, periods = defaultdict(list), defaultdict(set)
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            period = row["period"][:4] + "Q" + row["period"][5]
            periods[(row["source"], row["destination"])].add(period)
            if row["transparent"] == "yes":
                totals[(row["source"], row["destination"], period)].append(float(row["cc1.total.cost.."]))
    return {corridor: [(p, sum(totals[(*corridor, p)]) / len(totals[(*corridor, p)]), len(totals[(*corridor, p)]))
                       for p in sorted(ps)]
            for corridor, ps in periods.items() if all(totals.get((*corridor, p)) for p in ps)}


def expected_crossings(series, level):
    """{(period, previous period, "up" | "down")}: where the series went from
    at or below ``level`` to above it, or back."""
    found = set()
    for (before_period, before, _), (period, now, _) in zip(series, series[1:]):
        if before <= level < now:
            found.add((period, before_period, "up"))
        elif now <= level < before:
            found.add((period, before_period, "down"))
    return found


def real_corridor_events(corridor):
    """The corridor.cost.changed events of one real corridor, one per period after its first."""
    series = observed_series()[corridor]
    return [corridor_event(now, before, *corridor, period=period, previous_period=before_period,
                           quotes_transparent=count)
            for (before_period, before, _), (period, now, count) in zip(series, series[1:])]



def subscription(channel=None, **wanted):
    """A subscription as notify stores it (a webhook to crossings, unless ``wanted`` says otherwise), made at NOW."""
    request = SubscriptionCreateSchema().load({"event_types": ["corridor.cost.threshold_crossed"],
                                               "channel": channel or {"type": "webhook", "url": "https://mof.gov.np/h"},
                                               **wanted})
    return subscriptions.new_subscription("mof-nepal", request, webhooks.new_secret(), NOW)
