"""Open data: the same published answers, in the formats other tools take
(CSV, SDMX-CSV, iCalendar), kept in the read model like them.

Every export answers as published now or at ``asOf`` (one vintage only) and
names its permalink in a ``Link`` header: the same address pinned to the
vintage it reflects (``published.permalink``)."""
from gateway import exports, national
from gateway.ldc import ldc_rows
from gateway.paths import iso3_from_path
from gateway.ingest_as_of import ingest_at
from gateway.resources.published import permalink, published_then
from gateway.resources.releases import every_release
from gateway.resources.whole_lists import all_corridors, every_quarter, ldc_lens_material

CSV = "text/csv"


def quote_counts(ingest, period):
    """``{(source, destination): counts}`` of the observed averages of ``period``."""
    return {(c["source"], c["destination"]): c for c in ingest.corridor_quote_counts(period)["items"]}


def quarter_quote_counts(ingest, quarters):
    """``{period: [counts of each corridor]}`` of every quarter of the indicators."""
    return {q["period"]: ingest.corridor_quote_counts(q["period"])["items"] for q in quarters}


class Exports:
    def __init__(self, views):
        self.views = views

    def _export(self, request, key, compute, filename, mimetype=CSV, headers=None):
        return self.views.respond(request, key, compute, mimetype,
                                  {"Content-Disposition": f'attachment; filename="{filename}"', **(headers or {})})

    def _published_export(self, request, call, key, compute, filename):
        """An export of published figures: ``compute(sources, ingest, as_of)`` with ``ingest``
        answering as of the vintage asked (now without ``asOf``), its permalink in ``Link``."""
        key, as_of, vintage = published_then(self.views, key, call.params.get("as_of"))
        link = permalink(request.path, list(request.args.items(multi=True)), vintage)
        return self._export(request, key, lambda s: compute(s, ingest_at(s.ingest, as_of), as_of), filename,
                            headers={"Link": f'<{link}>; rel="bookmark"'} if link else None)

    def _corridor_export(self, request, call, fmt):
        period = call.params.get("period")
        if fmt == "sdmx":
            def compute(s, ingest, as_of):
                return exports.corridors_sdmx(s, period or ingest.list_corridors(period=None, limit=1)["period"],
                                              as_of)
        else:
            def compute(s, ingest, as_of):
                quarter, items = all_corridors(ingest, period)
                return exports.corridors_csv(items, quote_counts(ingest, quarter))
        suffix = "sdmx.csv" if fmt == "sdmx" else "csv"
        return self._published_export(request, call, ("export-corridors", period, fmt), compute,
                                      f"corridors-{period or 'latest'}.{suffix}")  # period: validated, ASCII

    def export_corridors_csv(self, request, call):
        return self._corridor_export(request, call, "csv")

    def export_corridors_sdmx(self, request, call):
        return self._corridor_export(request, call, "sdmx")

    def export_indicators_csv(self, request, call):
        def compute(s, ingest, as_of):
            quarters = every_quarter(ingest)
            return exports.indicators_csv(quarters, quarter_quote_counts(ingest, quarters))
        return self._published_export(request, call, ("export-indicators", "csv"), compute, "indicators.csv")

    def export_indicators_sdmx(self, request, call):
        return self._published_export(request, call, ("export-indicators", "sdmx"),
                                      lambda s, ingest, as_of: exports.indicators_sdmx(s, as_of),
                                      "indicators.sdmx.csv")

    def export_ldc_csv(self, request, call):
        return self._published_export(request, call, ("export-ldc",), lambda s, ingest, as_of: exports.ldc_csv(
            ldc_rows(*ldc_lens_material(ingest))), "ldc-lens.csv")

    def export_flows_csv(self, request, call):
        iso3 = iso3_from_path(call.path["iso3"])
        return self._published_export(request, call, ("export-flows", iso3, "csv"),
                                      lambda s, ingest, as_of: exports.flows_csv(ingest.country_profile(iso3)),
                                      f"flows-{iso3}.csv")

    def export_flows_sdmx(self, request, call):
        iso3 = iso3_from_path(call.path["iso3"])
        return self._published_export(request, call, ("export-flows", iso3, "sdmx"),
                                      lambda s, ingest, as_of: exports.flows_sdmx(s, iso3, as_of),
                                      f"flows-{iso3}.sdmx.csv")

    def releases_calendar(self, request, call):
        base = request.host_url.rstrip("/")

        def compute(s):
            listed = every_release(s.ingest)
            upcoming = s.ingest.national_releases()["items"]  # embargoed national releases: times, no figures
            return national.with_upcoming_releases(exports.releases_ics(listed, base), upcoming, base)

        return self._export(request, ("releases", base), compute, "releases.ics", "text/calendar")
