"""What is published of national submissions: the observations as SDMX
(NATIONAL_REMITTANCES dimension ids, TIME_PERIOD, OBS_VALUE, attributes),
paged; and a country's ``national`` series beside its mirror check (the same
country-year from KNOMAD and WDI, and the sending side of the bilateral
matrix, with the gap in percent). Never mixed into the World Bank's series."""
from observatory.clock import iso
from observatory.sdmx.structures import structure_of
from services.ingest import as_of, releases

STRUCTURE = structure_of("NATIONAL_REMITTANCES")

MIRROR_SERIES = {"INFLOW": ("knomad_inflows_usd_m", "wdi_inflows_usd_m"),
                 "OUTFLOW": ("knomad_outflows_usd_m", "wdi_outflows_usd_m")}
PARTS_OF_YEAR = {"Q": 4, "M": 12}
NOT_ATTRIBUTES = {*STRUCTURE.dimension_ids, "TIME_PERIOD", "OBS_VALUE"}


def sdmx_observation(doc):
    return {**doc["dims"], "TIME_PERIOD": doc["time_period"], "OBS_VALUE": doc["value"], **doc.get("attrs", {})}


def observations_page(store, country=(), counterpart=(), freq=(), channel=(), measure=(), cursor=None, limit=1000):
    query = {}
    for field, wanted in (("country", country), ("dims.COUNTERPART_AREA", counterpart), ("dims.FREQ", freq),
                          ("dims.CHANNEL", channel), ("dims.MEASURE", measure)):
        if wanted:
            query[field] = {"$in": list(wanted)}
    page = store.national.observations_page(query, cursor, limit)
    return {"items": [sdmx_observation(d) for d in page.docs], "next_cursor": page.next_cursor}


def usd_millions(doc):
    """The value in USD millions, or None when it is in a national currency."""
    attrs = doc.get("attrs", {})
    if attrs.get("UNIT_MEASURE") != "USD" or doc.get("value") is None:
        return None
    return doc["value"] * 10 ** int(attrs.get("UNIT_MULT") or 0) / 1e6


def yearly_totals(docs):
    """{measure: {year: USD millions}} of the totals (all counterparts WLD, all channels _T): the annual
    figure where given, else the sum of a complete year of quarters or months."""
    annual, parts = {}, {}
    for doc in docs:
        dims = doc["dims"]
        value = usd_millions(doc)
        if value is None or dims.get("COUNTERPART_AREA") != "WLD" or dims.get("CHANNEL") != "_T":
            continue
        year = doc["time_period"][:4]
        if dims["FREQ"] == "A":
            annual.setdefault(dims["MEASURE"], {})[year] = value
        else:
            parts.setdefault((dims["MEASURE"], dims["FREQ"], year), []).append(value)
    for (measure, freq, year), values in parts.items():
        if len(values) == PARTS_OF_YEAR[freq] and year not in annual.get(measure, {}):
            annual.setdefault(measure, {})[year] = sum(values)
    return annual


def gap_pct(national, other):
    if national is None or other in (None, 0):
        return None
    return round((national - other) / other * 100, 2)


def mirror_check(view, iso3, totals):
    """Per measure and year: the national figure, KNOMAD's, WDI's and the matrix's sending-side total, as
    ``view`` (``as_of.published``: now, or a vintage) has them."""
    series = view.country_series([iso3]).get(iso3, {})
    matrix_years = set(view.matrix_years())
    rows = []
    for measure, years in sorted(totals.items()):
        knomad_name, wdi_name = MIRROR_SERIES[measure]
        for year, national in sorted(years.items()):
            knomad = _value(series.get(knomad_name), year)
            wdi = _value(series.get(wdi_name), year)
            matrix = None
            if measure == "INFLOW" and int(year) in matrix_years:
                senders = view.senders_to(int(year), iso3)
                matrix = round(sum(s["usd_millions"] for s in senders if s["usd_millions"] is not None), 3)
            rows.append({"measure": measure, "year": int(year), "national_usd_millions": round(national, 3),
                         "knomad_usd_millions": knomad, "knomad_gap_pct": gap_pct(national, knomad),
                         "wdi_usd_millions": wdi, "wdi_gap_pct": gap_pct(national, wdi),
                         "matrix_usd_millions": matrix, "matrix_gap_pct": gap_pct(national, matrix)})
    return rows


def _value(entry, year):
    values = (entry or {}).get("values") or {}
    return values[str(year)] if str(year) in values else values.get(int(year))


def country_national(store, iso3, view=None):
    """A country's national series and mirror check; ``series`` empty when its institution published none.
    ``view`` (``as_of.published``): what was published then (default: now)."""
    view = view or as_of.PublishedNow(store)
    docs = view.national_observations(iso3)
    if not docs:
        return {"country": iso3, "series": [], "mirror_check": [], "reporters": []}
    reporters = store.national.reporter_names({d["reporter_id"] for d in docs if d.get("reporter_id")})
    earlier = earlier_versions(store, iso3, getattr(view, "at", None))  # asOf: the revisions known then
    names = sorted({r["name"] for r in reporters.values()})
    series = [{"key": d["key"], **d["dims"], "time_period": d["time_period"], "value": d["value"],
               "unit_measure": d.get("attrs", {}).get("UNIT_MEASURE"),
               "unit_mult": d.get("attrs", {}).get("UNIT_MULT"), "obs_status": d.get("attrs", {}).get("OBS_STATUS"),
               "published_at": iso(d.get("published_at")), "revisions": len(earlier.get(d["_id"], ()))}
              for d in docs]
    return {"country": iso3, "source": "national", "label": "submitted by " + ", ".join(names),
            "reporters": [{"id": rid, "name": r["name"], "kind": r["kind"]} for rid, r in sorted(reporters.items())],
            "series": series, "mirror_check": mirror_check(view, iso3, yearly_totals(docs))}


def _observation_id(version):
    """The national observation a version is of: ``<series key>@<time period>``."""
    return f"{version['skey']}@{version['obs']['TIME_PERIOD']}"


def earlier_versions(store, iso3, at=None):
    """{observation id: [its versions before the one in force (at ``at``: then)]} of a country, oldest first."""
    found = {}
    for version in store.vintages.national_versions(iso3, at):
        found.setdefault(_observation_id(version), []).append(version)
    return {oid: versions[:-1] for oid, versions in found.items()}


def _revision(version):
    obs, submission = version.get("obs") or {}, releases.submission_of(version["release"])
    deleted = version["action"] == "D"
    return {"value": None if deleted else obs.get("OBS_VALUE"),
            "attrs": {k: v for k, v in obs.items() if k not in NOT_ATTRIBUTES and v is not None},
            "submission_id": submission, "published_at": iso(version["valid_from"]),
            "deleted": submission if deleted else None,
            "replaced_at": iso(version.get("valid_to"))}


def observation_history(store, iso3):
    """Every published national observation of a country with its earlier values: its versions in the
    vintages before the one in force (the revisions)."""
    earlier = earlier_versions(store, iso3)
    return [{"id": d["_id"], "value": d["value"], "deleted": d.get("deleted"),
             "revisions": [_revision(v) for v in earlier.get(d["_id"], ())]}
            for d in store.national.country_observations(iso3, include_deleted=True)]
