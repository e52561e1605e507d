"""Practices that fit a country's situation (issue 20 §7): the brief picks
them from what the data says about the country, not only from the practices
tagged with it, and says why each fits.

``situation`` reads the figures into *needs*, each with the facts behind it;
``practices_that_fit`` ranks the library's practices by the needs their
themes answer (``NEEDS``)."""
from observatory.analysis.sdg import CEILING_PCT, TARGET_PCT

SDG_YEAR = 2030
CASH_SHARE = 0.5  # more than half the quotes with a known pick-up method paid out in cash or at an agent
FEW_PROVIDERS = 5  # distinct providers surveyed into the country in its newest quarter, at most
NON_TRANSPARENT_SHARE = 0.1  # of the quotes behind the headline
OLD_YEARS = 5  # the newest surveyed quarter ended this many years ago or more
CASH_WORDS = ("cash", "agent")

# A need, and the practice themes (services/catalog/practices.json) that answer it.
NEEDS = {
    "cost_above_ceiling": ("cost reduction", "competition", "market structure", "transparency", "price comparison"),
    "off_track": ("policy targets", "cost reduction", "national plans"),
    "cash_pickup": ("digital channels", "payment infrastructure", "interoperability", "financial inclusion"),
    "few_providers": ("competition", "market structure", "licensing", "regulation"),
    "non_transparent": ("transparency", "consumer protection", "price comparison"),
    "old_survey": ("data", "statistics", "cost measurement"),
    "ldc": ("least developed countries",),
}
MINOR_NEEDS = ("old_survey", "ldc")  # count half: they say less about what to change


def cash_share(pickup_mix):
    """The share of quotes paid out in cash or at an agent, of those with a known pick-up method (None: none)."""
    known = {k: n for k, n in pickup_mix.items() if k and k.lower() not in ("unrecorded", "unknown")}
    total = sum(known.values())
    if not total:
        return None
    return sum(n for k, n in known.items() if any(w in k.lower() for w in CASH_WORDS)) / total


def _figure(f):
    return f"{f['value']:.2f} % ({f['series']}, {f['period']})"


def situation(headline, trend, pickup_mix=None, providers=None, is_ldc=False, today=None):
    """``{need: why}`` of a country: ``headline`` its newest cost to receive (``{"value", "series",
    "period", "quality"}``), ``trend`` the SDG tracker's trend of it, ``pickup_mix`` ``{pick-up method:
    quotes}`` of its surveyed quotes, ``providers`` ``{"value", "period"}``: the distinct providers
    surveyed into it in its newest quarter."""
    needs = {}
    if headline and headline["value"] > CEILING_PCT:
        needs["cost_above_ceiling"] = f"the cost to receive, {_figure(headline)}, is above the " \
                                      f"{CEILING_PCT:g} % ceiling"
    if headline and headline["value"] > TARGET_PCT:
        year, reason = (trend or {}).get("reach_target_year"), (trend or {}).get("reason")
        if year is None or year > SDG_YEAR:
            pace = f"would reach {TARGET_PCT:g} % only in {year}" if year else \
                f"has no pace towards {TARGET_PCT:g} % ({(reason or 'no trend').replace('_', ' ')})"
            needs["off_track"] = f"the cost to receive, {_figure(headline)}, is above {TARGET_PCT:g} % and " \
                                 f"{pace}: off track for {SDG_YEAR}"
    share = cash_share(pickup_mix or {})
    if share is not None and share > CASH_SHARE:
        needs["cash_pickup"] = f"{share:.0%} of the surveyed quotes are paid out in cash or at an agent"
    if providers and providers.get("value") is not None and providers["value"] <= FEW_PROVIDERS:
        needs["few_providers"] = f"only {providers['value']} providers were surveyed into the country " \
                                 f"({providers['period']})"
    quality = (headline or {}).get("quality") or {}
    if quality.get("quotes") and quality.get("quotes_non_transparent") is not None \
            and quality["quotes_non_transparent"] / quality["quotes"] > NON_TRANSPARENT_SHARE:
        needs["non_transparent"] = f"{quality['quotes_non_transparent']} of the {quality['quotes']} quotes behind " \
                                   f"the headline are not transparent"
    if providers and today and today.year - int(str(providers["period"])[:4]) >= OLD_YEARS:
        needs["old_survey"] = f"the newest surveyed quotes are of {providers['period']}: a newer survey is wanted"
    if is_ldc:
        needs["ldc"] = "a least developed country"
    return needs


def practices_that_fit(needs, practices, iso3=None, limit=6):
    """The practices (``{"id", "title", "themes", "countries"?}``) whose themes answer the most of
    ``needs`` (``MINOR_NEEDS`` count half); ties: the more of its themes answer them, those tagged
    with ``iso3``, then by id. Each with ``why``: the facts of the needs it answers, and
    ``answers``: those needs."""
    fitting = []
    for practice in practices:
        themes = set(practice.get("themes") or ())
        answered = [need for need in needs if themes & set(NEEDS[need])]
        if answered:
            fitting.append({"id": practice["id"], "title": practice["title"], "themes": sorted(themes),
                            "answers": answered, "why": [needs[n] for n in answered],
                            "tagged": iso3 in (practice.get("countries") or ()),
                            "weight": sum(0.5 if n in MINOR_NEEDS else 1 for n in answered),
                            "themes_answering": len(themes & {t for n in needs for t in NEEDS[n]})})
    fitting.sort(key=lambda p: (-p["weight"], -p["themes_answering"], not p["tagged"], p["id"]))
    return fitting[:limit]
