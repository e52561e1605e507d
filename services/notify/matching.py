"""Which subscriptions an event concerns, and what each is told (pure).

An event has keys ("corridor:SAU-NPL", "sender:SAU", "receiver:NPL", "ldc",
"any"); a subscription holds the keys of its filters. Candidates are the
subscriptions sharing a key (``candidate_query``: the store looks them up
through its index); ``notices`` then applies the rest of the filter
(threshold, change size, provider type, theme).
"""
import hashlib

from observatory.countries import countries

DEFAULT_THRESHOLD_PCT = 5.0  # the SDG 10.c line above which no corridor should remain
CORRIDOR_EVENT = "corridor.cost.changed"
CROSSING = "corridor.cost.threshold_crossed"
# The subscriber types an event of each bus type can produce.
TYPES_FOR = {
    CORRIDOR_EVENT: (CORRIDOR_EVENT, CROSSING),
    "dataset.published": ("dataset.published",),
    "provider.registered": ("provider.registered",),
    "provider.updated": ("provider.updated",),
    "practice.published": ("practice.published",),
    "request.published": ("request.published",),  # issue 21: a peer-learning request, for its theme's followers
    "plan.target.changed": ("plan.target.changed",),  # issue 21: a national plan's target met or slipped
}
TYPES_FOR["national.published"] = ("national.published",)  # a member state's own release
CAPACITY_EVENTS = ("request.published", "plan.target.changed")


def subscription_keys(subscription):
    """The keys a subscription is found by."""
    keys = {f"corridor:{c['source']}-{c['destination']}" for c in subscription.get("corridors") or []}
    for wanted in subscription.get("countries") or []:
        roles = ("sender", "receiver") if wanted.get("role", "either") == "either" else (wanted["role"],)
        keys |= {f"{role}:{wanted['country']}" for role in roles}
    if subscription.get("ldc_destinations"):
        keys.add("ldc")
    return sorted(keys) or ["any"]


def _is_ldc(iso3, period=None):
    country = countries().get(iso3)
    return bool(country and country.is_ldc(period))


def event_keys(event_type, data):
    """The keys an event finds its candidate subscriptions by (None: all of the type)."""
    keys = {"any"}
    if event_type == CORRIDOR_EVENT:
        source, destination = data["source"], data["destination"]
        keys |= {f"corridor:{source}-{destination}", f"sender:{source}", f"receiver:{destination}"}
        if _is_ldc(destination, data.get("period")):
            keys.add("ldc")
    elif event_type in ("provider.registered", "provider.updated", "practice.published"):
        for iso3 in data.get("countries") or []:
            keys |= {f"sender:{iso3}", f"receiver:{iso3}"}
            if _is_ldc(iso3):
                keys.add("ldc")
    elif event_type in CAPACITY_EVENTS:  # the member state's country, and the corridors named
        keys |= {f"sender:{data['country']}", f"receiver:{data['country']}"}
        corridors = data.get("corridors") or ([data["corridor"]] if data.get("corridor") else [])
        keys |= {f"corridor:{c}" for c in corridors}
    elif event_type == "dataset.published":
        return None  # no geography: every subscription to dataset.published hears it
    elif event_type == "national.published":  # the reporting country, as sender and receiver
        keys |= {f"sender:{data['country']}", f"receiver:{data['country']}"}
        if _is_ldc(data["country"]):
            keys.add("ldc")
    return sorted(keys)


def candidate_query(event_type, data):
    """(the subscribed types, the keys) an event's candidate subscriptions
    hold: one of the types, and one of the keys (keys None: any)."""
    return TYPES_FOR.get(event_type, ()), event_keys(event_type, data)


def crossing(data, threshold_pct):
    """The ``corridor.cost.threshold_crossed`` data when the average moved
    from at or below ``threshold_pct`` to above it, or back; else None."""
    now, before = data.get("average_total_cost_pct"), data.get("previous_period_average_pct")
    if now is None or before is None or not data.get("previous_period"):
        return None
    if before <= threshold_pct < now:
        direction = "up"
    elif now <= threshold_pct < before:
        direction = "down"
    else:
        return None
    return {"source": data["source"], "destination": data["destination"], "period": data["period"],
            "previous_period": data["previous_period"], "average_total_cost_pct": now,
            "previous_average_total_cost_pct": before, "threshold_pct": threshold_pct, "direction": direction}


def notices(subscription, event_type, data):
    """[(subscriber type, data)] this subscription is to be told of the event."""
    wanted = set(subscription.get("event_types") or [])
    found = []
    if event_type == CORRIDOR_EVENT:
        if CROSSING in wanted:
            crossed = crossing(data, subscription.get("threshold_pct") or DEFAULT_THRESHOLD_PCT)
            if crossed:
                found.append((CROSSING, crossed))
        if CORRIDOR_EVENT in wanted and _changed_enough(data, subscription.get("min_change_pp")):
            found.append((CORRIDOR_EVENT, data))
    elif event_type in wanted and _fits_catalog_filters(subscription, event_type, data):
        found.append((event_type, data))
    return found


def _changed_enough(data, min_change_pp):
    if not min_change_pp:
        return True
    now, before = data.get("average_total_cost_pct"), data.get("previous_period_average_pct")
    return now is not None and before is not None and abs(now - before) >= min_change_pp


def _fits_catalog_filters(subscription, event_type, data):
    if event_type.startswith("provider.") and subscription.get("provider_types"):
        return bool(set(subscription["provider_types"]) & set(data.get("types") or []))
    if event_type == "request.published" and subscription.get("practice_themes"):  # the theme's followers
        return data.get("theme") in subscription["practice_themes"]
    if event_type == "practice.published" and subscription.get("practice_themes"):
        return bool(set(subscription["practice_themes"]) & set(data.get("themes") or []))
    return True


def notification_id(event_id, subscription_id, subscriber_type):
    """Stable: the same event and subscription always make the same id (it is the webhook-id)."""
    digest = hashlib.sha256(f"{event_id}:{subscription_id}:{subscriber_type}".encode()).hexdigest()[:26]
    return f"msg_{digest}"
