"""The kept states of a declared price (SDMX ``asOf``, DESIGN §10): a declaration that changes the price
starts a version, valid from its declaration until the next one replaces it; the same price declared
again (a retry) is the same version. Plain functions over the stored documents."""

# Who declared it and when say nothing about the price: declared again, it is the same price.
NOT_THE_PRICE = ("_id", "quote_id", "seq", "valid_from", "valid_to", "declared_at", "declared_by")


def price_of(doc):
    return {k: v for k, v in doc.items() if k not in NOT_THE_PRICE}


def same_price(version, state):
    return price_of(version) == price_of(state)


def version_doc(quote_id, state, latest, at):
    """The version after ``latest`` (None: the first) of price ``quote_id``: ``state`` from ``at`` on."""
    seq = latest["seq"] + 1 if latest is not None else 0
    return {**state, "_id": f"{quote_id}:{seq}", "quote_id": quote_id, "seq": seq, "valid_from": at,
            "valid_to": None}
