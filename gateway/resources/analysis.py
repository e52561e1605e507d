"""Policy analysis (issue 20), served from the read model like the other
published answers: the SDG 10.c tracker, peer benchmarks, corridor
scorecards, what-if savings, their pages, and the country briefs (page, PDF,
every LDC's at once)."""
from gateway import analysis_pages, brief, brief_cache
from gateway.brief import PdfMaker
from gateway.analysis import LDC, ldc_members
from gateway.analysis_material import Material
from gateway.paths import iso3_from_path
from gateway.resources.published import permalink, pinned
from observatory.errors import InvalidInput

HTML = "text/html"
PDF = "application/pdf"


def _area(call):
    return iso3_from_path(call.path["iso3"])


def _corridor(call):
    return iso3_from_path(call.path["source"]), iso3_from_path(call.path["destination"])


def _peers(call):
    text = call.params.get("peers") or ""
    return tuple(sorted({p.upper() for p in text.split(",") if p}))


def _whatif_target(call):
    params = call.params
    corridor = tuple(params["corridor"].split("-")) if params.get("corridor") else None
    country = params.get("country")
    if corridor is None and country is None:
        raise InvalidInput("give a country or a corridor", {"country": None, "corridor": None})
    if corridor and country and country != corridor[1]:
        raise InvalidInput("the country must be the corridor's receiving country",
                           {"country": country, "corridor": params["corridor"]})
    return country or corridor[1], corridor, params.get("target_pct", 3.0)


class Analysis:
    def __init__(self, views, public_base=None):
        self.views = views
        self.public_base = public_base  # the address permalinks in PDFs name (default: the request's)

    def _maker(self, request):
        return PdfMaker(self.public_base or request.host_url)

    def _page(self, request, key, compute):
        return self.views.respond(request, ("page", "analysis", *key), lambda s: compute(Material(s)), HTML)

    def _published(self, request, call, key, compute, mimetype=None):
        """An answer (or page) of one vintage: asOf pins it to the release then, like the other published
        reads (``gateway.resources.published``), its figures that release's; it names it, with a permalink."""
        key, as_of = pinned(self.views, key, call.params.get("as_of"))
        path, args = request.path, list(request.args.items(multi=True))

        def answer(sources):
            material = Material(sources, as_of=as_of)
            vintage = material.inputs().vintage
            return compute(material, {"vintage": vintage, "permalink": permalink(path, args, vintage)})
        if mimetype:
            return self.views.respond(request, ("page", "analysis", *key), answer, mimetype)
        dump = call.response_schema.dump
        return self.views.respond(request, ("analysis", *key), lambda s: dump(answer(s)))

    # -- answers ------------------------------------------------------------------------------
    def sdg(self, request, call):
        area = _area(call)
        return self._published(request, call, ("sdg", area), lambda m, pin: {**m.sdg(area), **pin})

    def peers(self, request, call):
        iso3, peers = _area(call), _peers(call)
        return self._published(request, call, ("peers", iso3, peers), lambda m, pin: {**m.peers(iso3, peers), **pin})

    def scorecard(self, request, call):
        (source, destination), period = _corridor(call), call.params.get("period")
        return self._published(request, call, ("scorecard", source, destination, period),
                               lambda m, pin: {**m.scorecard(source, destination, period), **pin})

    def receiving_scorecards(self, request, call):
        iso3 = _area(call)
        return self._published(request, call, ("receiving", iso3), lambda m, pin: {**m.receiving_summary(iso3), **pin})

    def whatif(self, request, call):
        country, corridor, target = _whatif_target(call)
        return self._published(request, call, ("whatif", country, corridor, target),
                               lambda m, pin: {**m.whatif(country, target, corridor), **pin})

    # -- pages --------------------------------------------------------------------------------
    def page_sdg(self, request, call):
        area = _area(call)
        return self._published(request, call, ("sdg", area),
                               lambda m, pin: analysis_pages.sdg_page({**m.sdg(area), **pin}), HTML)

    def page_peers(self, request, call):
        iso3, peers = _area(call), _peers(call)
        return self._published(request, call, ("peers", iso3, peers),
                               lambda m, pin: analysis_pages.peers_page({**m.peers(iso3, peers), **pin}), HTML)

    def page_scorecard(self, request, call):
        (source, destination), period = _corridor(call), call.params.get("period")
        return self._published(request, call, ("scorecard", source, destination, period), lambda m, pin:
                               analysis_pages.scorecard_page({**m.scorecard(source, destination, period), **pin}), HTML)

    def page_whatif(self, request, call):
        return self._page(request, ("whatif",), lambda m: analysis_pages.whatif_page(sorted(ldc_members())))

    def page_brief(self, request, call):
        iso3 = _area(call)
        return self._published(request, call, ("brief", iso3), lambda m, pin: brief.brief_page(m, iso3), HTML)

    # -- PDFs ---------------------------------------------------------------------------------
    def brief_pdf(self, request, call):
        iso3, maker = _area(call), self._maker(request)
        return brief_cache.respond(request, self.views.reads, ("pdf", iso3, maker.base),
                                   lambda: maker.one(Material(self.views.sources), iso3), PDF,
                                   {"Content-Disposition": f'inline; filename="brief-{iso3}.pdf"'})

    def briefs_zip(self, request, call):
        maker = self._maker(request)
        return brief_cache.respond_when_printed(
            request, self.views.reads, ("briefs-zip", LDC, maker.base),
            lambda progress: maker.every_ldc(Material(self.views.sources), progress), "application/zip",
            {"Content-Disposition": 'attachment; filename="ldc-briefs.zip"'})
