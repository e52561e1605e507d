"""Country briefs (issue 20 §7): a print-ready page per country, and its PDF
printed by the browser itself (Debian's headless Chromium, ``Page.printToPDF``:
``gateway.brief_printer``); every LDC's at once as a zip, by one browser."""
import io
import logging
import time
import zipfile
from collections import Counter

import eventlet

from gateway.analysis import LDC, ldc_members
from gateway.analysis_pages import tracker_spec
from gateway.brief_printer import Printer
from gateway.pages import WEB, render
from gateway.resources.published import permalink
from observatory.analysis.practices_fit import practices_that_fit, situation

log = logging.getLogger(__name__)
PRINTED_AT_ONCE = 3  # briefs printed at once, each in a tab of the one browser (composed meanwhile)
FLOW_SERIES = ("knomad_inflows_usd_m", "wdi_inflows_usd_m", "knomad_inflows_pct_gdp", "wdi_inflows_pct_gdp",
               "knomad_outflows_usd_m", "wdi_outflows_usd_m")


def latest_flows(profile):
    """The newest value of each flow series the brief shows, with its year and source."""
    flows = []
    for name in FLOW_SERIES:
        entry = (profile.get("series") or {}).get(name)
        values = {int(y): v for y, v in ((entry or {}).get("values") or {}).items() if v is not None}
        if values:
            year = max(values)
            flows.append({"series": name, "label": entry.get("label", name), "unit": entry.get("unit", ""),
                          "source": entry.get("source", ""), "year": year, "value": values[year]})
    return flows


def fitting_practices(material, iso3, sdg, pickup, peers):
    """The library's practices that fit the country's situation (``practices_fit``), each saying why;
    None when the catalog is away (the brief lists the practices tagged with the country then)."""
    library = material.practices()
    if library is None:
        return None
    ldc = next((g for g in peers["groups"] if g["kind"] == "ldc"), {"indicators": {}})
    providers = (ldc["indicators"].get("surveyed_providers_to_receive") or {}).get("country")
    receiving = sdg["receiving"]
    needs = situation(receiving["headline"], receiving["trend"], pickup, providers, iso3 in ldc_members(),
                      material.today)
    return {"needs": needs, "chosen": practices_that_fit(needs, library, iso3)}


def brief_context(material, iso3):
    """Everything a brief shows, each figure with its period, series, source and flags."""
    # Its three reads that wait on services (profile, corridor answers, practice library) go at once.
    reads = [eventlet.spawn(read) for read in (lambda: material.composed_profile(iso3),
                                               lambda: material.receiving_summary(iso3), material.practices)]
    profile, receiving, _ = [read.wait() for read in reads]
    sdg = material.sdg(iso3)
    whatif = material.whatif(iso3, 3.0)
    channels, pickup = Counter(), Counter()
    for source in [c["source"] for c in receiving["corridors"]]:
        mix = material.scorecard(source, iso3)["mix"]
        channels.update(mix["payment_instrument"])
        pickup.update(mix["pickup_method"])
    ranked = sorted(receiving["corridors"], key=lambda c: (c["average_total_cost_pct"] is None,
                                                           c["average_total_cost_pct"] or 0))
    peers = material.peers(iso3)
    vintage = material.inputs().vintage
    return {"country": profile["country"], "profile": profile, "sdg": sdg, "receiving": receiving,
            "corridors_by_cost": ranked, "channels": dict(channels.most_common()), "flows": latest_flows(profile),
            "pickup": dict(pickup.most_common()), "practices": fitting_practices(material, iso3, sdg, pickup, peers),
            "peers": peers, "whatif": whatif, "made_on": material.today.isoformat(),
            "vintage": vintage, "permalink": permalink(f"/countries/{iso3}/brief", [], vintage) or f"/countries/{iso3}/brief",
            "figures": [("Average cost to receive", sdg["receiving"]["headline"]),
                        ("Average cost to send", sdg["sending"]["headline"])]}


def brief_page(material, iso3, base="", static="/static", vendor="/static/vendor"):
    context = brief_context(material, iso3)
    return render("brief.html", title=f"{context['country']['name']}: remittances brief", b=context, base=base,
                  static=static, vendor=vendor, trend=tracker_spec(context["sdg"]["receiving"]))


class PdfMaker:
    """Briefs as PDF; ``base`` is the public address the permalinks name."""

    def __init__(self, base):
        self.base = base.rstrip("/")

    def html(self, material, iso3):
        return brief_page(material, iso3, base=self.base, static=(WEB / "static").as_uri(),
                          vendor=(WEB / "vendor").as_uri())

    def one(self, material, iso3):
        html = self.html(material, iso3)
        with Printer() as printer:
            return printer.print_html(html, f"brief-{iso3}")

    def every_ldc(self, material, progress=None):
        """A zip of every LDC's brief (``brief-<ISO3>.pdf``), printed by one browser;
        ``progress["done"]`` counts the briefs printed, of ``progress["total"]``."""
        members = sorted(ldc_members())
        progress = {} if progress is None else progress
        progress.update(done=0, total=len(members))
        started = time.monotonic()
        material.peers(members[0])  # the inputs of the release and the peers', computed once for all of them
        material.surveyed_quotes(material.newest_surveyed(set(members)))  # every scorecard's quotes in one call
        buffer = io.BytesIO()
        with Printer() as printer, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            def brief_pdf(iso3):  # composed (from the material computed once) while other tabs print
                return iso3, printer.print_html(self.html(material, iso3), f"brief-{iso3}")
            for iso3, pdf in eventlet.GreenPool(PRINTED_AT_ONCE).imap(brief_pdf, members):
                archive.writestr(f"brief-{iso3}.pdf", pdf)
                progress["done"] += 1
        log.info("printed %d briefs of the %s group in %.1f s, %d at a time", len(members), LDC,
                 time.monotonic() - started, PRINTED_AT_ONCE)
        return buffer.getvalue()
