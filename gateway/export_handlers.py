"""Handlers of the export routes (a mixin of GatewayService): the same
published answers, in the formats other tools take, through the read model."""
from gateway import exports
from gateway.ldc import ldc_rows
from gateway.http import cached_json_response
from gateway.paths import iso3_from_path
from gateway.readmodel import CACHE_CONTROL
from gateway.release_handlers import every_item
from observatory.countries import countries



class ExportHandlers:
    """Needs ``self.ingest`` and ``self.reads``. A recipe takes the worker
    that runs it (``s``): the read model runs it again to rebuild the view."""

    def _export(self, request, key, compute, filename, mimetype="text/csv"):
        body, etag, _ = self.reads.read(key, compute, self)
        return cached_json_response(request, body, etag, CACHE_CONTROL, mimetype,
                                    {"Content-Disposition": f'attachment; filename="{filename}"'})

    def _all_corridors(self, period):
        first = self.ingest.list_corridors(period=period, limit=1)  # the quarter "latest" means now
        _, items = every_item(self.ingest.list_corridors, period=first["period"])
        return first["period"], items

    def _corridor_export(self, request, call, fmt):
        period = call.params.get("period")

        def compute(s):
            _, items = s._all_corridors(period)
            return (exports.corridors_sdmx if fmt == "sdmx" else exports.corridors_csv)(items)

        suffix = "sdmx.csv" if fmt == "sdmx" else "csv"
        return self._export(request, ("export-corridors", period, fmt), compute,
                            f"corridors-{period or 'latest'}.{suffix}")  # period: validated, ASCII

    def export_corridors_csv(self, request, call):
        return self._corridor_export(request, call, "csv")

    def export_corridors_sdmx(self, request, call):
        return self._corridor_export(request, call, "sdmx")

    def _every_quarter(self):
        latest = self.ingest.indicators(None)
        return [self.ingest.indicators(p) for p in latest["available_periods"][:-1]] + [latest]

    def export_indicators_csv(self, request, call):
        return self._export(request, ("export-indicators", "csv"),
                            lambda s: exports.indicators_csv(s._every_quarter()), "indicators.csv")

    def export_indicators_sdmx(self, request, call):
        return self._export(request, ("export-indicators", "sdmx"),
                            lambda s: exports.indicators_sdmx(s._every_quarter()), "indicators.sdmx.csv")

    def export_ldc_csv(self, request, call):
        def compute(s):
            ldcs = sorted(c.iso3 for c in countries().by_iso3.values() if c.is_ldc())
            return exports.ldc_csv(ldc_rows(s.ingest.country_summaries(ldcs)["items"]))

        return self._export(request, ("export-ldc",), compute, "ldc-lens.csv")

    def export_flows_csv(self, request, call):
        iso3 = iso3_from_path(call.path["iso3"])
        return self._export(request, ("export-flows", iso3, "csv"),
                            lambda s: exports.flows_csv(s.ingest.country_profile(iso3)), f"flows-{iso3}.csv")

    def export_flows_sdmx(self, request, call):
        iso3 = iso3_from_path(call.path["iso3"])
        return self._export(request, ("export-flows", iso3, "sdmx"),
                            lambda s: exports.flows_sdmx(s.ingest.country_profile(iso3)), f"flows-{iso3}.sdmx.csv")

    def releases_calendar(self, request, call):
        base = request.host_url.rstrip("/")

        def compute(s):
            _, listed = every_item(s.ingest.list_datasets, status="completed")
            return exports.releases_ics(listed, base)

        return self._export(request, ("releases", base), compute, "releases.ics", "text/calendar")
