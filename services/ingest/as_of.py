"""What was published, now or at a time (``as_of``): the one face the reads
of ``queries`` ask, so that an answer ``as_of`` a time is computed exactly as
the answer was then, from that vintage only.

- now: the period states the publication points at, and the stored series;
- at a time: the period states the latest release of observed quotes at or
  before it named (kept: ``pruning``), and the versions of the official,
  derived and country series, the bilateral-matrix cells and the national
  observations in force then (``store_vintages``).
Each carries ``vintage``: the release it reflects ({"id", "published_at"}),
None before the first one.
"""
from observatory.clock import utcnow
from observatory.errors import InvalidInput
from services.ingest import vintages


def vintage_view(release):
    return {"id": release["_id"], "published_at": vintages.timestamp_text(release["published_at"])} \
        if release else None


def parse(as_of, now=None):
    """The stored time of an ``as_of`` text (None for none); 400 when it is not a valid past timestamp."""
    if as_of is None:
        return None
    try:
        return vintages.parse_as_of(as_of, now or utcnow())
    except ValueError as exc:
        raise InvalidInput(str(exc), {"fields": {"as_of": [str(exc)]}}) from None


class PublishedNow:
    def __init__(self, store):
        self.store = store
        self.vintage = vintage_view(store.vintages.release_at())

    def periods(self):
        return self.store.publication.current().get("periods", {})

    def states(self, corridor=None):
        return self.store.publication.load_states(self.periods().values(), corridor)

    def corridor_series(self, series, key):
        return self.store.series.corridor_series(series, key)

    def series_in_period(self, period):
        return self.store.series.series_in_period(period)

    def series_periods(self):
        return self.store.series.series_periods()

    def series_by_period(self, periods=None):
        """{period: {series: {"SRC:DST": entry}}} of the official and derived series (one read)."""
        return self.store.series.series_by_period(("official", "derived"), periods)

    def country_series(self, iso3s):
        return self.store.series.country_series(iso3s)

    def datasets(self, dataset_ids):
        """Of these datasets, the ones a reader can know of then (now: all)."""
        return set(dataset_ids)

    def matrix_years(self):
        return self.store.series.matrix_years()

    def senders_to(self, year, iso3):
        return self.store.series.senders_to(year, iso3)

    def national_observations(self, iso3):
        """The country's published national observations (``national_models.NationalObservation`` shape)."""
        return self.store.national.country_observations(iso3)


class PublishedAt(PublishedNow):
    def __init__(self, store, at):
        self.store, self.at = store, at
        self.vintage = vintage_view(store.vintages.release_at(at))
        observed = store.vintages.release_at(at, observed=True)
        self._periods = dict(observed["periods"]) if observed else {}

    def periods(self):
        return self._periods

    def corridor_series(self, series, key):
        source, destination = key.split(":")
        return self.store.vintages.corridor_series_at(series, source, destination, self.at)

    def series_in_period(self, period):
        return self.store.vintages.series_in_period_at(period, self.at)

    def series_periods(self):
        return self.store.vintages.series_periods_at(self.at)

    def series_by_period(self, periods=None):
        return self.store.vintages.series_by_period_at(self.at, periods)

    def country_series(self, iso3s):
        return self.store.vintages.country_series_at(iso3s, self.at)

    def datasets(self, dataset_ids):
        """Of these datasets, the ones published (in a release) by then: not those staged later."""
        return set(dataset_ids) & self.store.vintages.datasets_released(self.at)

    def matrix_years(self):
        return self.store.vintages.matrix_years_at(self.at)

    def senders_to(self, year, iso3):
        return self.store.vintages.senders_to_at(year, iso3, self.at)

    def national_observations(self, iso3):
        return self.store.vintages.national_observations_at(iso3, self.at)


def published(store, as_of=None):
    """What is published now (``as_of`` None) or was at ``as_of`` (ISO 8601 text, validated)."""
    at = parse(as_of)
    return PublishedNow(store) if at is None else PublishedAt(store, at)
