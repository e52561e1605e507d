"""What one analysis answer is computed from, fetched once per recipe run:
a recipe makes a ``Material`` from the sources that run it (a request's, or
the rebuild's), so a rebuilt view never reads the previous release's parts."""
from gateway import analysis, analysis_scorecard
from gateway.analysis_inputs import INPUTS
from gateway.catalog_extras import with_country_extras
from gateway.readmodel import Incomplete
from observatory.clock import utcnow
from observatory.analysis.periods import sort_key
from observatory.countries import countries
from observatory.contracts.common import MAX_LIMIT
from observatory.errors import NotFound, ServiceUnavailable


class Material:
    """``as_of``: the time of the release to answer from (a pinned ``asOf``; None: the one in force)."""

    def __init__(self, sources, today=None, as_of=None, inputs=INPUTS):
        self.sources = sources
        self.today = today or utcnow().date()
        self.as_of = as_of
        self._inputs = inputs
        self._memo = {}
        self._quotes = {}  # (period, source, destination) -> the observed quotes published

    def _once(self, key, fetch):
        if key not in self._memo:
            self._memo[key] = fetch()
        return self._memo[key]

    def inputs(self):
        """This release's inputs (``gateway.analysis_inputs``): fetched once per release, not per answer."""
        return self._once("inputs", lambda: self._inputs.get(self.sources.ingest, self.as_of))

    def figures(self, iso3s=()):
        """Corridor figures of every series; touching ``iso3s`` (all when empty)."""
        return self.inputs().figures_of(iso3s)

    def profile(self, iso3):
        """Ingest's country profile, read once per release: kept with the inputs when it is of their release."""
        def fetch():
            inputs = self.inputs()
            held = inputs.kept(("profile", iso3))
            if held is not None:
                return held
            profile = self.sources.ingest.country_profile(iso3, as_of=self.as_of)
            if (profile.get("vintage") or {}).get("id") == (inputs.vintage or {}).get("id"):
                inputs.keep(("profile", iso3), profile)  # not one of a release that came meanwhile
            return profile
        return self._once(("profile", iso3), fetch)

    def composed_profile(self, iso3):
        """The profile with the catalog's providers and practices (``None`` for them when it is away)."""
        def fetch():
            try:
                return with_country_extras(self.profile(iso3), self.sources.catalog, iso3, lambda p: p)
            except Incomplete as incomplete:
                return incomplete.payload
        return self._once(("composed", iso3), fetch)

    def practices(self):
        """The published practice library (``{"id", "title", "themes", "countries"}``), None without the catalog."""
        def fetch():
            try:
                return self.sources.catalog.list_practices({"limit": MAX_LIMIT})["items"]
            except ServiceUnavailable:
                return None
        return self._once("practices", fetch)

    def newest_surveyed(self, iso3s):
        """``[(period, source, destination)]``: each surveyed corridor into ``iso3s`` in its newest quarter."""
        newest = {}
        for f in self.figures(list(iso3s)):
            if f["series"] == "observed" and f["destination"] in iso3s:
                held = newest.get((f["source"], f["destination"]))
                newest[(f["source"], f["destination"])] = f["period"] if held is None else \
                    max(held, f["period"], key=sort_key)
        return sorted((period, s, d) for (s, d), period in newest.items())

    def surveyed_quotes(self, corridors):
        """``{(period, source, destination): quotes}``, those not held read in one call."""
        missing = sorted({c for c in corridors if c not in self._quotes})
        if missing:
            found = self.sources.ingest.analysis_corridor_quotes([list(c) for c in missing], as_of=self.as_of)
            for corridor in missing:
                self._quotes[corridor] = found.get(":".join(corridor)) or []
        return {c: self._quotes[c] for c in corridors}

    def scorecard(self, source, destination, period=None):
        def fetch():
            rows = [f for f in self.figures([destination]) if (f["source"], f["destination"]) == (source, destination)]
            if not rows:
                raise NotFound(f"no figures for {source} → {destination}",
                               {"source": source, "destination": destination})
            chosen = period or analysis_scorecard.newest_surveyed_period(rows)
            quotes = self.surveyed_quotes([(chosen, source, destination)])[(chosen, source, destination)] \
                if chosen else []
            answer = {"period": chosen, "quotes": quotes} if quotes else None
            newest = analysis.corridor_newest(rows, source, destination)
            return analysis_scorecard.scorecard_answer(source, destination, newest, answer, self.today)
        return self._once(("scorecard", source, destination, period), fetch)

    def receiving_summary(self, iso3):
        if countries().get(iso3) is None:
            raise NotFound(f"unknown country {iso3}", {"iso3": iso3})

        def fetch():
            corridors = self.newest_surveyed({iso3})
            self.surveyed_quotes(corridors)  # every corridor's quotes in one call
            cards = []
            for _, source, _ in corridors:
                try:
                    cards.append(self.scorecard(source, iso3))
                except NotFound:
                    continue
            return analysis_scorecard.receiving_summary(iso3, cards)
        return self._once(("receiving", iso3), fetch)

    def sdg(self, area):
        members = analysis.ldc_members() if area == analysis.LDC else {area}
        return self._once(("sdg", area), lambda: analysis.sdg_answer(area, self.figures(sorted(members)), self.today))

    def peers(self, iso3, peers=()):
        indicators = self.inputs().peer_indicators()
        return self._once(("peers", iso3, tuple(peers)),
                          lambda: analysis.peers_answer(iso3, None, None, peers, indicators))

    def whatif(self, country, target_pct, corridor=None):
        """A corridor's flow is in the receiving country's profile (the matrix); a country's inflows are
        in this release's flow series already (no profile read)."""
        destination = corridor[1] if corridor else country
        if corridor:
            return analysis.whatif_answer(destination, self.figures([destination]), self.profile(destination),
                                          target_pct, corridor, self.today)
        flows = [r for r in self.inputs().flows if r["iso3"] == destination]
        return analysis.whatif_answer(destination, self.figures([destination]), None, target_pct, None, self.today,
                                      flows)


def ldc_newest_costs(ingest):
    """``{iso3: newest cost to receive}`` of every LDC (the LDC lens, its export), computed once per release."""
    members, newest = analysis.ldc_members(), INPUTS.get(ingest).newest_costs("receiving")
    return {iso3: figure for iso3, figure in newest.items() if iso3 in members}
