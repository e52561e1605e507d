"""What the observatory suggests to a peer-learning request: a pure decision
over plain values (no store), so it is tested on the real library alone."""
from services.catalog import practices as library

SUGGESTED = 5  # of each kind


def _words(request):
    return library.terms(" ".join(filter(None, (request.get("title"), request.get("body"), request.get("theme")))))


def _of_theme(docs, theme):
    return [d for d in docs if d.get("status") == "published" and (not theme or theme in d.get("themes", []))]


def _adopted(practice_docs, members):
    """{country: [practice ids]}: the countries the practice library records as
    adopters of each practice, and those of institutions whose plan links it."""
    adopted = {}
    for doc in practice_docs:
        countries = set(doc.get("countries") or ())
        countries |= {m["country"] for m in members if doc["_id"] in (m.get("plan") or {}).get("practice_ids", [])}
        for country in countries:
            adopted.setdefault(country, []).append(doc["_id"])
    return adopted


def _why(adopted, change):
    reasons = [f"adopted {', '.join(adopted)}"] if adopted else []
    if change:
        reasons.append(f"its receiving corridors' cost fell {change['drop_pct_points']:g} percentage points on "
                       f"average ({change['corridors']} corridor(s))")
    return "; ".join(reasons)


def member_states(request, suggested_practices, members, improved_countries):
    """The member states that fit (never the asker's own): those that adopted a
    suggested practice (the more adopted, the earlier), then those whose
    receiving corridors improved most (``improved_countries``: the ranked
    rows of ``observatory.analysis.cost_change.countries_improved``)."""
    asker = next((m["country"] for m in members if m["_id"] == request["member_id"]), request.get("country"))
    adopted = _adopted(suggested_practices, members)
    changes = {row["country"]: row for row in improved_countries}
    improved_rank = {row["country"]: i for i, row in enumerate(improved_countries)}
    countries = [c for c in set(adopted) | set(changes) if c != asker]
    countries.sort(key=lambda c: (-len(adopted.get(c, ())), improved_rank.get(c, len(improved_rank)), c))
    states = []
    for country in countries[:SUGGESTED]:
        states.append({"country": country, "institutions": sorted(m["_id"] for m in members if m["country"] == country),
                       "adopted": sorted(adopted.get(country, ())), "cost_change": changes.get(country),
                       "why": _why(sorted(adopted.get(country, ())), changes.get(country))})
    return states


def suggest(request, practices, resources, members, improved_countries):
    """Practices and resources of the request's theme, ranked by the library's
    ranking on the request's words (all of the theme when no word matches);
    the member states that fit (``member_states``) and their institutions."""
    words = _words(request)
    found, docs = {}, {}
    for name, candidates in (("practices", practices), ("resources", resources)):
        ranked = library.ranked(_of_theme(candidates, request.get("theme")), words)[:SUGGESTED]
        docs[name] = [d for _, d in ranked]
        found[name] = [{"id": d["_id"], "title": d["title"], "score": score} for score, d in ranked]
    states = member_states(request, docs["practices"], members, improved_countries)
    institutions = [{"id": m, "why": s["why"]} for s in states for m in s["institutions"]]
    return {**found, "member_states": states, "members": institutions[:SUGGESTED]}
