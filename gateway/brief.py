"""Country briefs (issue 20 §7): a print-ready page per country, and its PDF
printed by the browser itself (Debian's headless Chromium, ``--print-to-pdf``);
every LDC's at once as a zip, printed a few at a time."""
import io
import logging
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections import Counter

import eventlet

from gateway.analysis import LDC, ldc_members
from gateway.analysis_pages import tracker_spec
from gateway.pages import WEB, render
from observatory.errors import ServiceUnavailable

log = logging.getLogger(__name__)
PRINT_SECONDS = 60  # one brief's printing, at most
PRINTS_AT_ONCE = 3  # briefs printed at once for the zip (two cores: more only queue)
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


def brief_context(material, iso3):
    """Everything a brief shows, each figure with its period, series, source and flags."""
    profile = material.composed_profile(iso3)
    sdg, receiving = material.sdg(iso3), material.receiving_summary(iso3)
    whatif = material.whatif(iso3, 3.0)
    channels = Counter()
    for source in [c["source"] for c in receiving["corridors"]]:
        for k, n in material.scorecard(source, iso3)["mix"]["payment_instrument"].items():
            channels[k] += n
    ranked = sorted(receiving["corridors"], key=lambda c: (c["average_total_cost_pct"] is None,
                                                           c["average_total_cost_pct"] or 0))
    return {"country": profile["country"], "profile": profile, "sdg": sdg, "receiving": receiving,
            "corridors_by_cost": ranked, "channels": dict(channels.most_common()), "flows": latest_flows(profile),
            "peers": material.peers(iso3), "whatif": whatif, "made_on": material.today.isoformat(),
            "figures": [("Average cost to receive", sdg["receiving"]["headline"]),
                        ("Average cost to send", sdg["sending"]["headline"])]}


def brief_page(material, iso3, base="", static="/static", vendor="/static/vendor"):
    context = brief_context(material, iso3)
    return render("brief.html", title=f"{context['country']['name']}: remittances brief", b=context, base=base,
                  static=static, vendor=vendor, trend=tracker_spec(context["sdg"]["receiving"]))


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def print_pdf(html):
    """The PDF the browser prints from ``html`` (its files read from disk)."""
    browser = chromium()
    if browser is None:
        raise ServiceUnavailable("briefs as PDF need Chromium (apt-get install chromium)", {"pdf": "unavailable"})
    with tempfile.TemporaryDirectory(prefix="brief-") as tmp:
        page, pdf = os.path.join(tmp, "brief.html"), os.path.join(tmp, "brief.pdf")
        with open(page, "wb") as f:
            f.write(html)
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   "--no-pdf-header-footer", "--allow-file-access-from-files", "--virtual-time-budget=3000",
                   f"--user-data-dir={os.path.join(tmp, 'profile')}", f"--print-to-pdf={pdf}", f"file://{page}"]
        try:
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=PRINT_SECONDS,
                           check=False)
        except subprocess.TimeoutExpired:
            raise ServiceUnavailable("printing the brief took too long", {"seconds": PRINT_SECONDS}) from None
        if not os.path.exists(pdf) or os.path.getsize(pdf) == 0:
            raise ServiceUnavailable("the browser printed no PDF", {"pdf": "unavailable"})
        with open(pdf, "rb") as f:
            return f.read()


class PdfMaker:
    """Briefs as PDF; ``base`` is the public address the permalinks name."""

    def __init__(self, base):
        self.base = base.rstrip("/")

    def html(self, material, iso3):
        return brief_page(material, iso3, base=self.base, static=(WEB / "static").as_uri(),
                          vendor=(WEB / "vendor").as_uri())

    def one(self, material, iso3):
        return print_pdf(self.html(material, iso3))

    def every_ldc(self, material):
        """A zip of every LDC's brief (``brief-<ISO3>.pdf``), ``PRINTS_AT_ONCE`` printed at a time."""
        members = sorted(ldc_members())
        material.figures()  # fetched once for all of them
        pages = [(iso3, self.html(material, iso3)) for iso3 in members]
        pool = eventlet.GreenPool(PRINTS_AT_ONCE)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for (iso3, _), pdf in zip(pages, pool.imap(lambda item: print_pdf(item[1]), pages)):
                archive.writestr(f"brief-{iso3}.pdf", pdf)
        log.info("printed %d briefs of the %s group", len(members), LDC)
        return buffer.getvalue()
