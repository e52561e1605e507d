"""The web pages: the same answers the API publishes, rendered for people,
and kept in the read model like them (a page's recipe takes the sources that
run it, as the exports' do)."""
from werkzeug.wrappers import Response

from gateway import pages
from gateway.analysis import sdg_answer
from gateway.analysis_inputs import INPUTS
from gateway.analysis_quality import corridor_with_quality
from observatory.clock import utcnow
from gateway.catalog_extras import with_catalog_extras, with_country_extras
from gateway.paths import iso3_from_path
from gateway.readmodel import Incomplete
from gateway.overview import overview_answer, surveyed_quarters
from gateway.resources.published import permalink, pinned, vintage_recipe
from gateway.resources.releases import every_release
from gateway.resources.whole_lists import all_corridors, ldc_lens_material
from observatory.contracts.answers import CorridorSchema, CountryProfileSchema

HTML = "text/html"  # werkzeug adds charset=utf-8 to text types
_corridor_schema, _country_schema = CorridorSchema(), CountryProfileSchema()


class Pages:
    def __init__(self, views):
        self.views = views

    def _page(self, request, key, compute):
        return self.views.respond(request, ("page", *key), compute, HTML)

    def _page_of_one_vintage(self, request, call, key, compute):
        """A page gathered from several reads of one vintage (``published.vintage_recipe``):
        ``compute(ingest, permalink=, vintage=, as_of=)`` renders it."""
        as_of = call.params.get("as_of")

        def render(sources, ingest, vintage, link):
            return compute(ingest, permalink=link, vintage=vintage, as_of=vintage["published_at"] if as_of else None)
        key, recipe, _ = vintage_recipe(self.views, request, ("page", *key), as_of, render)
        return self.views.respond(request, key, recipe, HTML)

    def page_overview(self, request, call):
        def compute(ingest, **footer):
            quarters = surveyed_quarters(ingest)
            corridors = all_corridors(ingest, quarters[-1]["period"])[1] if quarters else []
            answer = overview_answer(quarters, INPUTS.get(ingest).figures, utcnow().date())
            return pages.overview(quarters, corridors, answer["newest"], **footer)

        return self._page_of_one_vintage(request, call, ("overview",), compute)

    def page_corridor(self, request, call):
        source, destination = iso3_from_path(call.path["source"]), iso3_from_path(call.path["destination"])
        period = call.params.get("period")
        key, as_of = pinned(self.views, ("corridor", source, destination, period), call.params.get("as_of"))
        path, args = request.path, list(request.args.items(multi=True))

        def compute(s):
            history = s.ingest.corridor_history(source, destination, as_of=as_of)
            answer = corridor_with_quality(s.ingest.corridor(source, destination, period, as_of=as_of))
            link = permalink(path, args, answer.get("vintage"))
            try:
                composed = with_catalog_extras(answer, s.catalog, _corridor_schema.dump, period is None)
            except Incomplete as incomplete:  # served without the catalog's parts, not kept
                raise Incomplete(pages.corridor(incomplete.payload, history, link)) from None
            return pages.corridor(composed, history, link)

        return self._page(request, key, compute)

    def page_country(self, request, call):
        iso3 = iso3_from_path(call.path["iso3"])
        key, as_of = pinned(self.views, ("country", iso3), call.params.get("as_of"))
        path, args = request.path, list(request.args.items(multi=True))

        def compute(s):
            profile = s.ingest.country_profile(iso3, as_of=as_of)
            link = permalink(path, args, profile.get("vintage"))
            newest = sdg_answer(iso3, INPUTS.get(s.ingest, as_of).figures_of([iso3]), utcnow().date())
            try:
                composed = with_country_extras(profile, s.catalog, iso3, _country_schema.dump)
            except Incomplete as incomplete:
                raise Incomplete(pages.country(incomplete.payload, link, newest)) from None
            return pages.country(composed, link, newest)

        return self._page(request, key, compute)

    def page_ldc(self, request, call):
        return self._page_of_one_vintage(request, call, ("ldc",), lambda ingest, **footer: pages.ldc_lens(
            *ldc_lens_material(ingest), **footer))

    def page_providers(self, request, call):
        query = dict(call.params)
        return self._page(request, ("providers", *sorted(query.items())),
                          lambda s: pages.provider_directory(s.catalog.list_providers(query), query))

    def page_provider(self, request, call):
        provider_id = call.path["provider_id"]

        def compute(s):
            entry = s.catalog.get_provider(provider_id)
            return pages.provider(entry, s.catalog.declared_quotes(provider_id)["items"])

        return self._page(request, ("provider", provider_id), compute)

    def page_practices(self, request, call):
        query = dict(call.params)
        return self._page(request, ("practices", *sorted(query.items())),
                          lambda s: pages.practice_library(s.catalog.list_practices(query, True), query))

    def page_practice(self, request, call):
        practice_id = call.path["practice_id"]
        return self._page(request, ("practice", practice_id),
                          lambda s: pages.practice(s.catalog.get_practice(practice_id, True)))

    def page_data(self, request, call):
        def compute(s):
            releases = every_release(s.ingest)
            return pages.open_data({"items": releases, "total": len(releases)})

        return self._page(request, ("data",), compute)

    def page_alerts(self, request, call):
        return self._page(request, ("alerts",), lambda s: pages.alerts())

    def page_static(self, request, call):
        body, media = pages.static_file(call.path["name"])
        return Response(body, mimetype=media, headers={"Cache-Control": "public, max-age=86400"})
