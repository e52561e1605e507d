"""Every event the catalog emits, built here (contracts: ``observatory.contracts.events``).

- ``provider.registered``: a new entry (from the data, an operator, or a split);
- ``provider.updated``: an entry changed (``fields`` names what), or a price was declared on it;
- ``providers.changed``: the entries one import's firms wrote, as one change;
- ``practice.published``: a best-practice entry is now public;
- ``practice.updated``: a published entry was edited (what changed);
- ``request.published``: a peer-learning request is public (its theme, for followers).

They go into the outbox of the document whose write they announce.
"""
import uuid

from observatory.events import Producer

SOURCE = "catalog"
PRODUCER = Producer(SOURCE)
REGISTERED_EVENTS = uuid.UUID("5d1c7f0e-2b7a-4f43-9a51-6a3c1f0b8e21")  # namespace of provider.registered ids


def provider_registered(doc):
    # One id per entry id (ids are never reused): an entry rebuilt after a
    # restart (``rebuild``) announces the registration subscribers already had.
    return PRODUCER.event("provider.registered", event_id=uuid.uuid5(REGISTERED_EVENTS, doc["_id"]), data={
        "provider_id": doc["_id"], "name": doc["name"], "types": doc.get("types", []),
        "countries": doc.get("countries", []), "origin": doc.get("origin") or "observed"})


def provider_updated(provider, fields, by, version):
    return PRODUCER.event("provider.updated", {
        "provider_id": provider["_id"], "version": version, "fields": sorted(fields), "by": by,
        "types": provider.get("types", []), "countries": provider.get("countries", [])})


def providers_changed(dataset_id, providers):
    return PRODUCER.event("providers.changed", {"dataset_id": dataset_id, "providers": providers})


def practice_updated(practice_id, version, fields):
    return PRODUCER.event("practice.updated", {"practice_id": practice_id, "version": version,
                                               "fields": sorted(fields)})


def practice_published(doc):
    return PRODUCER.event("practice.published", {"practice_id": doc["_id"], "title": doc["title"],
                                                 "themes": doc.get("themes", []),
                                                 "countries": doc.get("countries", [])})


def request_published(doc):
    # Carries the theme and corridor: notify alerts the institutions that follow them.
    return PRODUCER.event("request.published", {
        "request_id": doc["_id"], "member_id": doc["member_id"], "country": doc["country"], "title": doc["title"],
        "theme": doc.get("theme"), "corridor": doc.get("corridor")})


def plan_target_changed(member, change, target, progress, dataset_id=None):
    # A plan's target met or slipped on a publication: notify alerts the member state and its subscribers.
    return PRODUCER.event("plan.target.changed", {
        "member_id": member["_id"], "member_name": member["name"], "country": member["country"],
        "plan_title": member["plan"]["title"], "year": change["year"], "change": change["change"],
        "from": change["from"], "to": change["to"], "target_pct": target["cost_pct"],
        "observed_pct": target["observed_pct"], "observed_period": target["observed_period"],
        "expected_pct": target["expected_pct"], "series": progress["series"], "corridors": progress["corridors"],
        "dataset_id": dataset_id})
