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
    return render("sdg.html", title=f"{answer['name']}: SDG 10.c tracker", a=answer, specs=specs)


def peers_page(answer):
    region = next((g for g in answer["groups"] if g["kind"] == "region"), None)
    rows = (region or {"indicators": {}})["indicators"].get("cost_to_receive_pct", {}).get("rows", [])
    spec = {"x": [r["iso3"] for r in rows], "unit": "%", "lines": SDG_LINES,
            "series": [{"name": "cost to receive (each country's newest period)", "type": "bar",
                        "values": [r["value"] for r in rows]}]}
    return render("peers.html", title=f"{answer['country']} among its peers", a=answer, spec=spec)


def scorecard_page(card):
    return render("scorecard.html", title=f"Scorecard: {card['source']} → {card['destination']}", c=card)


def whatif_page(ldcs):
    return render("whatif.html", title="What if sending cost 3 %?", ldcs=ldcs)
