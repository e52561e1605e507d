"""Open data: the same published answers, in the formats other tools take
(CSV, SDMX-CSV, iCalendar), kept in the read model like them."""
from gateway import exports, national
from gateway.analysis_material import ldc_newest_costs
from gateway.ldc import ldc_rows
from gateway.paths import iso3_from_path
from gateway.resources.releases import every_release
from gateway.resources.whole_lists import all_corridors, every_quarter, ldc_summaries

CSV = "text/csv"


class Exports:
    def __init__(self, views):
        self.views = views

    def _export(self, request, key, compute, filename, mimetype=CSV):
        return self.views.respond(request, key, compute, mimetype,
                                  {"Content-Disposition": f'attachment; filename="{filename}"'})

    def _corridor_export(self, request, call, fmt):
        period = call.params.get("period")
        if fmt == "sdmx":
            def compute(s):
                return exports.corridors_sdmx(s, period or s.ingest.list_corridors(period=None, limit=1)["period"])
        else:
            def compute(s):
                return exports.corridors_csv(all_corridors(s.ingest, period)[1])
        suffix = "sdmx.csv" if fmt == "sdmx" else "csv"
        return self._export(request, ("export-corridors", period, fmt), compute,
                            f"corridors-{period or 'latest'}.{suffix}")  # period: validated, ASCII

    def export_corridors_csv(self, request, call):
        return self._corridor_export(request, call, "csv")

    def export_corridors_sdmx(self, request, call):
        return self._corridor_export(request, call, "sdmx")

    def export_indicators_csv(self, request, call):
        return self._export(request, ("export-indicators", "csv"),
                            lambda s: exports.indicators_csv(every_quarter(s.ingest)), "indicators.csv")

    def export_indicators_sdmx(self, request, call):
        return self._export(request, ("export-indicators", "sdmx"),
                            exports.indicators_sdmx, "indicators.sdmx.csv")

    def export_ldc_csv(self, request, call):
        return self._export(request, ("export-ldc",), lambda s: exports.ldc_csv(ldc_rows(ldc_summaries(s.ingest), ldc_newest_costs(s.ingest))),
                            "ldc-lens.csv")

    def export_flows_csv(self, request, call):
        iso3 = iso3_from_path(call.path["iso3"])
        return self._export(request, ("export-flows", iso3, "csv"),
                            lambda s: exports.flows_csv(s.ingest.country_profile(iso3)), f"flows-{iso3}.csv")

    def export_flows_sdmx(self, request, call):
        iso3 = iso3_from_path(call.path["iso3"])
        return self._export(request, ("export-flows", iso3, "sdmx"),
                            lambda s: exports.flows_sdmx(s, iso3), f"flows-{iso3}.sdmx.csv")

    def releases_calendar(self, request, call):
        base = request.host_url.rstrip("/")

        def compute(s):
            listed = every_release(s.ingest)
            upcoming = s.ingest.national_releases()["items"]  # embargoed national releases: times, no figures
            return national.with_upcoming_releases(exports.releases_ics(listed, base), upcoming, base)

        return self._export(request, ("releases", base), compute, "releases.ics", "text/calendar")
