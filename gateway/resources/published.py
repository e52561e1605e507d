"""The published figures (no token needed), served from the read model. A
view's recipe takes the sources that run it: the read model runs it again,
from another worker, to rebuild the view for a new release."""
from gateway.analysis_quality import corridor_with_quality, profile_with_newest
from gateway.catalog_extras import with_catalog_extras, with_country_extras
from gateway.paths import iso3_from_path


class PublishedFigures:
    def __init__(self, views):
        self.views = views

    def _published(self, request, call, key, compute, dumped=False):
        """The view ``key``; ``compute`` answers through the route's response
        schema, or is dumped through it here (unless it did so itself)."""
        dump = call.response_schema.dump
        return self.views.respond(request, key, compute if dumped else lambda sources: dump(compute(sources)))

    def list_corridors(self, request, call):
        query = call.params
        return self._published(request, call, ("corridors", tuple(sorted(query.items()))),
                               lambda s: s.ingest.list_corridors(**query))

    def corridor(self, request, call):
        source, destination = iso3_from_path(call.path["source"]), iso3_from_path(call.path["destination"])
        period, dump = call.params.get("period"), call.response_schema.dump
        return self._published(request, call, ("corridor", source, destination, period),
                               lambda s: with_catalog_extras(
                                   corridor_with_quality(s.ingest.corridor(source, destination, period)),
                                   s.catalog, dump, period is None),
                               dumped=True)

    def corridor_history(self, request, call):
        source, destination = iso3_from_path(call.path["source"]), iso3_from_path(call.path["destination"])
        return self._published(request, call, ("history", source, destination),
                               lambda s: s.ingest.corridor_history(source, destination))

    def indicators(self, request, call):
        period = call.params.get("period")
        return self._published(request, call, ("indicators", period), lambda s: s.ingest.indicators(period))

    def country(self, request, call):
        iso3, dump = iso3_from_path(call.path["iso3"]), call.response_schema.dump
        return self._published(request, call, ("country", iso3),
                               lambda s: with_country_extras(
                                   profile_with_newest(s.ingest.country_profile(iso3),
                                                       s.ingest.analysis_corridor_figures([iso3])),
                                   s.catalog, iso3, dump),
                               dumped=True)
