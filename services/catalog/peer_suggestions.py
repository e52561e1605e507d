"""What the observatory suggests to a peer-learning request: a pure decision
over plain values (no store), so it is tested on the real library alone."""
from services.catalog import practices as library

SUGGESTED = 5  # of each kind


def _words(request):
    return library.terms(" ".join(filter(None, (request.get("title"), request.get("body"), request.get("theme")))))


def _of_theme(docs, theme):
    return [d for d in docs if d.get("status") == "published" and (not theme or theme in d.get("themes", []))]


def _adopters(practice_ids, members):
    """Member institutions whose plan links one of the practices."""
    return {m["_id"] for m in members if set((m.get("plan") or {}).get("practice_ids", [])) & set(practice_ids)}


def _countries_improved(request, improvements):
    """Countries by how much their corridors' cost fell (most first); for a
    corridor request, corridors sharing its sending or receiving country only."""
    wanted = request.get("corridor")
    shares = (lambda c: bool(set(c.split("-")) & set(wanted.split("-")))) if wanted else (lambda c: True)
    best = {}
    for row in improvements:
        if shares(row["corridor"]) and row["drop_pct_points"] > 0:
            best[row["country"]] = max(best.get(row["country"], 0), row["drop_pct_points"])
    return sorted(best, key=lambda country: (-best[country], country))


def suggest(request, practices, resources, members, corridor_improvements):
    """Practices and resources of the request's theme, ranked by the library's
    ranking on the request's words (all of the theme when no word matches);
    member institutions (never the asker) that adopted a suggested practice or
    whose country's corridors improved most. ``corridor_improvements``:
    ``{"country", "corridor", "drop_pct_points"}`` rows."""
    words = _words(request)
    found = {}
    for name, docs in (("practices", practices), ("resources", resources)):
        ranked = library.ranked(_of_theme(docs, request.get("theme")), words)
        found[name] = [{"id": d["_id"], "title": d["title"], "score": score} for score, d in ranked[:SUGGESTED]]
    others = [m for m in members if m["_id"] != request["member_id"]]
    adopters = _adopters([p["id"] for p in found["practices"]], others)
    improved = _countries_improved(request, corridor_improvements)
    by_country = {c: sorted(m["_id"] for m in others if m["country"] == c) for c in improved}
    chosen = [{"id": m, "why": "adopted a suggested practice"} for m in sorted(adopters)]
    chosen += [{"id": m, "why": f"corridors of {c} improved"} for c in improved for m in by_country[c]
               if m not in adopters]
    return {**found, "members": chosen[:SUGGESTED]}
