"""The analysis pages (issue 20): SDG tracker, peers, scorecard, what-if,
rendered with the other pages' templates, macros and vendored charts."""
from gateway.pages import SDG_LINES, render
from observatory.analysis.periods import sort_key


def tracker_spec(tracker):
    """One line per series over the periods of all of them (never blended)."""
    periods = sorted({r["period"] for r in tracker["averages"]}, key=sort_key)
    series = sorted({r["series"] for r in tracker["averages"]})
    values = {(r["series"], r["period"]): r["value"] for r in tracker["averages"]}
    return {"x": periods, "unit": "%", "lines": SDG_LINES, "series": [
        {"name": name, "values": [values.get((name, p)) for p in periods], "dashed": name == "derived"}
        for name in series]}


def sdg_page(answer):
    specs = {d: tracker_spec(answer[d]) for d in ("receiving", "sending")}
    return render("sdg.html", title=f"{answer['name']}: SDG 10.c tracker", a=answer, specs=specs,
                  permalink=answer.get("permalink"), vintage=answer.get("vintage"))


def _region_bars(answer, indicator, name, unit, lines=()):
    """A bar per member of the country's region: each one's own newest figure of ``indicator``."""
    region = next((g for g in answer["groups"] if g["kind"] == "region"), None)
    rows = (region or {"indicators": {}})["indicators"].get(indicator, {}).get("rows", [])
    return {"x": [r["iso3"] for r in rows], "unit": unit, "lines": list(lines),
            "series": [{"name": name, "type": "bar", "values": [r["value"] for r in rows]}]}


def peers_page(answer):
    spec = _region_bars(answer, "cost_to_receive_pct", "cost to receive (each country's newest period)", "%",
                        SDG_LINES)
    providers = _region_bars(answer, "surveyed_providers_to_receive",
                             "providers surveyed into the country (each country's newest surveyed quarter)", "")
    return render("peers.html", title=f"{answer['country']} among its peers", a=answer, spec=spec,
                  providers_spec=providers, permalink=answer.get("permalink"), vintage=answer.get("vintage"))


def scorecard_page(card):
    return render("scorecard.html", title=f"Scorecard: {card['source']} → {card['destination']}", c=card,
                  permalink=card.get("permalink"), vintage=card.get("vintage"))


def whatif_page(ldcs):
    return render("whatif.html", title="What if sending cost 3 %?", ldcs=ldcs)
