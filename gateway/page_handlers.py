"""Handlers of the web pages (a mixin of GatewayService): the same answers
the API publishes, rendered, and kept in the read model like them."""
from werkzeug.wrappers import Response

from gateway import pages
from gateway.composition import with_catalog_extras, with_country_extras
from gateway.http import cached_json_response
from gateway.paths import iso3_from_path
from gateway.readmodel import CACHE_CONTROL, Incomplete
from observatory.contracts.answers import CorridorSchema, CountryProfileSchema
from observatory.countries import countries
from observatory.errors import NotFound

HTML = "text/html"  # werkzeug adds charset=utf-8 to text types
_corridor_schema, _country_schema = CorridorSchema(), CountryProfileSchema()


class PageHandlers:
    """Needs ``self.ingest``, ``self.catalog``, ``self.reads`` and the export helpers. A page's
    recipe takes the worker that runs it (``s``), as the exports' do."""

    def _page(self, request, key, compute):
        body, etag, _ = self.reads.read(("page", *key), compute, self)
        return cached_json_response(request, body, etag, CACHE_CONTROL, HTML)

    def page_overview(self, request, call):
        def compute(s):
            try:
                quarters = s._every_quarter()
            except NotFound:  # nothing surveyed published yet
                quarters = []
            corridors = s._all_corridors(quarters[-1]["period"])[1] if quarters else []
            return pages.overview(quarters, corridors)

        return self._page(request, ("overview",), compute)

    def page_corridor(self, request, call):
        source, destination = iso3_from_path(call.path["source"]), iso3_from_path(call.path["destination"])
        period = call.params.get("period")

        def compute(s):
            history = s.ingest.corridor_history(source, destination)
            answer = s.ingest.corridor(source, destination, period)
            try:
                composed = with_catalog_extras(answer, s.catalog, _corridor_schema.dump, period is None)
            except Incomplete as incomplete:  # served without the catalog's parts, not kept
                raise Incomplete(pages.corridor(incomplete.payload, history)) from None
            return pages.corridor(composed, history)

        return self._page(request, ("corridor", source, destination, period), compute)

    def page_country(self, request, call):
        iso3 = iso3_from_path(call.path["iso3"])

        def compute(s):
            profile = s.ingest.country_profile(iso3)
            try:
                composed = with_country_extras(profile, s.catalog, iso3, _country_schema.dump)
            except Incomplete as incomplete:
                raise Incomplete(pages.country(incomplete.payload)) from None
            return pages.country(composed)

        return self._page(request, ("country", iso3), compute)

    def page_ldc(self, request, call):
        def compute(s):
            ldcs = sorted(c.iso3 for c in countries().by_iso3.values() if c.is_ldc())
            return pages.ldc_lens(s.ingest.country_summaries(ldcs)["items"])

        return self._page(request, ("ldc",), compute)

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
            releases = s.every_release()
            return pages.open_data({"items": releases, "total": len(releases)})

        return self._page(request, ("data",), compute)

    def page_alerts(self, request, call):
        return self._page(request, ("alerts",), lambda s: pages.alerts())

    def page_static(self, request, call):
        body, media = pages.static_file(call.path["name"])
        return Response(body, mimetype=media, headers={"Cache-Control": "public, max-age=86400"})
