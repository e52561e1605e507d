"""The published figures (no token needed), served from the read model. A
view's recipe takes the sources that run it: the read model runs it again,
from another worker, to rebuild the view for a new release.

Every answer names the vintage (release) it reflects and carries its
permalink: the same URL with ``asOf`` = that release's time. An answer asked
``asOf`` a time is kept under its view's key and the release then in force,
and is computed by ingest as of that release's time only (so it never mixes
vintages, and every ``asOf`` within one release shares it)."""
import json
from urllib.parse import urlencode

from gateway.analysis_inputs import INPUTS
from gateway.analysis_quality import corridor_with_quality, profile_with_newest
from gateway.catalog_extras import with_catalog_extras, with_country_extras
from gateway.ingest_as_of import ingest_at
from gateway.ldc import ldc_lens
from gateway.overview import overview_answer, surveyed_quarters
from gateway.paths import iso3_from_path
from gateway.resources.whole_lists import ldc_lens_material
from observatory.clock import utcnow
from observatory.errors import NotFound

AS_OF = "asOf"


def permalink(path, args, vintage):
    """``path`` with its query ``args`` (pairs, ``asOf`` left out) pinned to ``vintage``; None without one."""
    if not vintage:
        return None
    return f"{path}?{urlencode([*[(k, v) for k, v in args if k != AS_OF], (AS_OF, vintage['published_at'])])}"


def pinned(views, key, as_of):
    """(view key, ``as_of`` to ask ingest): unchanged without ``as_of``; else pinned to the release in force
    then (one view per (key, release), computed as of that release's time)."""
    if as_of is None:
        return key, None
    vintage = views.sources.ingest.vintage_at(as_of)
    return (*key, ("vintage", vintage["id"] if vintage else None)), (vintage["published_at"] if vintage else as_of)


VINTAGE_NOW = ("vintage-now",)


def vintage_now(views):
    """The release in force now, kept in the read model as a view of its own: replaced with the other
    views at a release (so it names theirs), and read without an RPC while ingest is busy."""
    body, _, _ = views.reads.read(VINTAGE_NOW, lambda s: {"vintage": s.ingest.vintage_at(None)}, views.sources)
    return json.loads(body)["vintage"]


def published_then(views, key, as_of):
    """As ``pinned``, and the vintage: the one in force then, or now without ``as_of``; NotFound for an
    ``as_of`` before the first release."""
    if as_of is None:
        return key, None, vintage_now(views)
    vintage = views.sources.ingest.vintage_at(as_of)
    if vintage is None:
        raise NotFound(f"nothing was published yet at {as_of}", {"as_of": as_of})
    return (*key, ("vintage", vintage["id"])), vintage["published_at"], vintage


def vintage_recipe(views, request, key, as_of_asked, compute):
    """(view key, recipe, permalink) of an answer gathered from several reads of one vintage:
    ``recipe(sources)`` is ``compute(sources, ingest, vintage, permalink)`` with ``ingest`` answering
    as of the vintage asked (now: the vintage is asked while computing, so a rebuilt view names its
    own); the permalink returned is the one known at the request (for headers)."""
    key, as_of, vintage = published_then(views, key, as_of_asked)
    path, args = request.path, list(request.args.items(multi=True))

    def recipe(sources):
        named = vintage if as_of is not None else sources.ingest.vintage_at(None)
        return compute(sources, ingest_at(sources.ingest, as_of), named, permalink(path, args, named))

    return key, recipe, permalink(path, args, vintage)


class PublishedFigures:
    def __init__(self, views):
        self.views = views

    def _published(self, request, call, key, compute, dumped=False):
        """The view ``key``; ``compute(sources, as_of, link)`` asks ingest ``as_of`` (None: now) and
        ``link(answer)`` adds its permalink; its answer goes through the route's response schema here
        (unless it was dumped already)."""
        dump = call.response_schema.dump
        key, as_of = pinned(self.views, key, call.params.get("as_of"))
        path, args = request.path, list(request.args.items(multi=True))

        def link(answer):
            return {**answer, "permalink": permalink(path, args, answer.get("vintage"))}

        recipe = (lambda s: compute(s, as_of, link)) if dumped else (lambda s: dump(compute(s, as_of, link)))
        return self.views.respond(request, key, recipe)

    def list_corridors(self, request, call):
        query = {k: v for k, v in call.params.items() if k != "as_of"}
        return self._published(request, call, ("corridors", tuple(sorted(query.items()))),
                               lambda s, as_of, link: link(s.ingest.list_corridors(**query, as_of=as_of)))

    def corridor(self, request, call):
        source, destination = iso3_from_path(call.path["source"]), iso3_from_path(call.path["destination"])
        period, dump = call.params.get("period"), call.response_schema.dump
        return self._published(request, call, ("corridor", source, destination, period),
                               lambda s, as_of, link: with_catalog_extras(
                                   link(corridor_with_quality(s.ingest.corridor(source, destination, period,
                                                                                as_of=as_of))),
                                   s.catalog, dump, period is None),
                               dumped=True)

    def corridor_history(self, request, call):
        source, destination = iso3_from_path(call.path["source"]), iso3_from_path(call.path["destination"])
        return self._published(request, call, ("history", source, destination),
                               lambda s, as_of, link: link(s.ingest.corridor_history(source, destination,
                                                                                     as_of=as_of)))

    def indicators(self, request, call):
        period = call.params.get("period")
        return self._published(request, call, ("indicators", period),
                               lambda s, as_of, link: link(s.ingest.indicators(period, as_of=as_of)))

    def country(self, request, call):
        iso3, dump = iso3_from_path(call.path["iso3"]), call.response_schema.dump
        return self._published(request, call, ("country", iso3),
                               lambda s, as_of, link: with_country_extras(
                                   link(profile_with_newest(s.ingest.country_profile(iso3, as_of=as_of),
                                                            INPUTS.get(s.ingest, as_of).figures_of([iso3]))),
                                   s.catalog, iso3, dump),
                               dumped=True)

    def _of_one_vintage(self, request, call, key, compute):
        """An answer gathered from several reads: ``compute(ingest)`` of one vintage, with it and its
        permalink; an ``asOf`` before the first release is a 404."""
        def answer(sources, ingest, vintage, link):
            return call.response_schema.dump({**compute(ingest), "vintage": vintage, "permalink": link})
        key, recipe, _ = vintage_recipe(self.views, request, key, call.params.get("as_of"), answer)
        return self.views.respond(request, key, recipe)

    def ldc_lens(self, request, call):
        return self._of_one_vintage(request, call, ("ldc-lens",), lambda ingest: ldc_lens(*ldc_lens_material(ingest)))

    def overview(self, request, call):
        return self._of_one_vintage(request, call, ("overview",), lambda ingest: overview_answer(
            surveyed_quarters(ingest), INPUTS.get(ingest).figures, utcnow().date()))
