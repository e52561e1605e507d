"""What the policy analysis computes from, kept per gateway process per
published release (vintage): the corridor figures of every series, every
economy's flow series, the providers surveyed per country, and what is
derived from them once (each country's newest costs, the peers' inputs).

Before, every analysis answer fetched them (megabytes over RPC) and computed
them again. Now a request asks ingest which release is in force (one small
RPC); a release already held answers from memory. A new release is fetched
as its changes only (``since`` the newest release held: ingest sends the
rows of the periods it changed), so its cost grows with what it changed. A
read ``asOf`` an earlier time is the inputs of the release in force then,
kept like the others."""
import logging
import threading
from collections import OrderedDict, defaultdict

from gateway import analysis
from gateway.ingest_as_of import unpin
from observatory.errors import ObservatoryError

log = logging.getLogger(__name__)
KEPT_RELEASES = 4  # the current one, the one before (served while a rebuild runs), a few asOf reads


class Inputs:
    """One release's inputs, with what is derived from them computed once."""

    def __init__(self, answer):
        self.vintage = answer["vintage"]
        self.figures = answer["figures"]
        self.flows = answer["flows"]
        self.providers = answer["providers"]
        self._derived = {}
        self._lock = threading.Lock()
        by_country = defaultdict(list)
        for figure in self.figures:
            by_country[figure["source"]].append(figure)
            if figure["destination"] != figure["source"]:
                by_country[figure["destination"]].append(figure)
        self.by_country = dict(by_country)

    def figures_of(self, iso3s=()):
        """The corridor figures touching ``iso3s`` (every one when empty)."""
        if not iso3s:
            return self.figures
        seen, rows = set(), []
        for iso3 in iso3s:
            for figure in self.by_country.get(iso3, ()):
                if id(figure) not in seen:
                    seen.add(id(figure))
                    rows.append(figure)
        return rows

    def derived(self, name, compute):
        with self._lock:
            if name not in self._derived:
                self._derived[name] = compute()
            return self._derived[name]

    def kept(self, name):
        with self._lock:
            return self._derived.get(name)

    def keep(self, name, value):
        """Keep what another read of this release answered (a country profile), for the views after it."""
        with self._lock:
            self._derived.setdefault(name, value)

    def peer_indicators(self):
        """``analysis.peer_indicators`` with the number of surveyed providers, once per release."""
        def compute():
            indicators = analysis.peer_indicators(self.figures, flows=self.flows)
            indicators["surveyed_providers_to_receive"] = self.providers["receiving"]
            indicators["surveyed_providers_to_send"] = self.providers["sending"]
            return indicators
        return self.derived("peer-indicators", compute)

    def newest_costs(self, direction):
        return self.derived(("newest", direction), lambda: analysis.newest_country_costs(self.figures, direction))


def merged(held, changes):
    """The answer of a release from ``held`` (the inputs of an earlier one) and ingest's ``changes``
    since it: the rows of the periods it names replaced, flows and providers where sent."""
    observed, series = set(changes["observed_periods"]), set(changes["series_periods"])
    kept = [f for f in held.figures if f["period"] not in (observed if f["series"] == "observed" else series)]
    return {"vintage": changes["vintage"], "figures": kept + changes["figures"],
            "flows": held.flows if changes["flows"] is None else changes["flows"],
            "providers": held.providers if changes["providers"] is None else changes["providers"]}


class InputsByRelease:
    """The inputs of the last few releases asked for, fetched once each however many ask."""

    def __init__(self, kept=KEPT_RELEASES):
        self.kept = kept
        self.held = OrderedDict()  # release id -> Inputs
        self.lock = threading.Lock()  # eventlet-patched
        self.fetching = {}  # release id -> lock held while it is fetched
        self.newest = None  # the release id fetched last without asOf: the base of the next changes

    def get(self, ingest, as_of=None):
        """The inputs of the release in force now (or at ``as_of``, or at the time ``ingest`` is pinned to)."""
        ingest, as_of = unpin(ingest, as_of)
        release = ingest.vintage_at(as_of)
        key = release["id"] if release else None
        with self.lock:
            if key in self.held:
                self.held.move_to_end(key)
                return self.held[key]
            fetching = self.fetching.setdefault(key, threading.Lock())
        with fetching:
            with self.lock:
                if key in self.held:
                    return self.held[key]
                base = self.held.get(self.newest) if as_of is None else None
            inputs = self._fetch(ingest, as_of, base)
            with self.lock:
                stored = inputs.vintage["id"] if inputs.vintage else None
                self.held[stored] = inputs  # a release that came between the two calls: kept as itself
                if as_of is None:
                    self.newest = stored
                self.fetching.pop(key, None)
                while len(self.held) > self.kept:
                    self.held.popitem(last=False)
            return inputs

    @staticmethod
    def _fetch(ingest, as_of, base):
        since = base.vintage["id"] if base is not None and base.vintage else None
        answer = ingest.analysis_inputs(as_of=as_of, since=since)
        log.info("analysis inputs of release %s: %s (%d corridor figures)", (answer["vintage"] or {}).get("id"),
                 "all" if answer["complete"] else f"the changes since {since}", len(answer["figures"]))
        if not answer["complete"]:
            answer = merged(base, answer)
        return Inputs(answer)


INPUTS = InputsByRelease()


def prefetch(ingest):
    """On a ``dataset.published``: the new release's inputs fetched now (its changes only), so the first
    analysis read after it does not wait for them; a service that does not answer leaves it to that read."""
    try:
        INPUTS.get(ingest).peer_indicators()  # and what the peers and briefs derive from them
    except ObservatoryError as exc:
        log.warning("analysis inputs not prefetched (%s): the first read fetches them", exc)
