"""SDMX observations built the same way by the SDMX web service (what it
answers) and by ingest's vintages (what they keep a version of), so a kept
version and the published answer name the same figure:

- RPW_PRICES: one corridor-period's provider quotes (dicts of the staged
  quote fields: firm, product, fee_pct, ...), each up to four observations:
  fee, FX margin and total cost at USD 200, total cost at USD 500;
- FLOWS: one bilateral-matrix cell (what a sender sends a receiver, a year)."""
from observatory.sdmx.codelists import vocabulary_code

PRODUCT_MAX_CHARS = 200
MEASURES = (("USD200", "FEE", "fee_pct"), ("USD200", "FX_MARGIN", "fx_margin_pct"),
            ("USD200", "TOTAL_COST", "total_cost_pct"), ("USD500", "TOTAL_COST", "total_cost_pct_500"))
ORDER = ("PROVIDER", "PRODUCT", "AMOUNT", "MEASURE", "TIME_PERIOD")


def product_id(quote):
    """The product as a quote's identity names it (product, then how it is paid and picked up)."""
    parts = [quote.get("product") or "unnamed product",
             *(quote.get(f) for f in ("payment_instrument", "access_point", "pickup_method") if quote.get(f))]
    return " | ".join(str(p).strip() for p in parts)[:PRODUCT_MAX_CHARS]


def price_observations(source, destination, time_period, quotes):
    """The observations of one corridor-period's quotes, in PROVIDER, PRODUCT, AMOUNT, MEASURE order.
    A second quote of the same identity in a quarter (the survey's old layouts tell them apart by the
    sending location, which ingest does not keep) is PRODUCT "... (2)": no quote is dropped."""
    observations, seen = [], {}
    for quote in quotes:
        common = {"FREQ": "Q", "SOURCE_AREA": source, "DEST_AREA": destination,
                  "PROVIDER": str(quote["firm"]).strip(), "PRODUCT": product_id(quote), "TIME_PERIOD": time_period,
                  "FIRM_TYPE": vocabulary_code("CL_FIRM_TYPE", quote.get("firm_type")),
                  "PAYMENT_INSTRUMENT": quote.get("payment_instrument"), "ACCESS_POINT": quote.get("access_point"),
                  "SPEED": vocabulary_code("CL_SPEED", quote.get("speed")), "TRANSPARENT": quote.get("transparent"),
                  "UNIT_MEASURE": "PC", "OBS_STATUS": "A"}
        identity = (common["PROVIDER"], common["PRODUCT"])
        seen[identity] = seen.get(identity, 0) + 1
        if seen[identity] > 1:
            common["PRODUCT"] = f"{common['PRODUCT'][:PRODUCT_MAX_CHARS - 6]} ({seen[identity]})"
        for amount, measure, field in MEASURES:
            if quote.get(field) is not None:
                observations.append({**common, "AMOUNT": amount, "MEASURE": measure, "OBS_VALUE": quote[field]})
    return sorted(observations, key=lambda o: tuple(o[k] for k in ORDER))


def matrix_observation(year, source, destination, usd_millions):
    """The FLOWS observation of one bilateral-matrix cell: a model estimate (OBS_STATUS E)."""
    return {"FREQ": "A", "REF_AREA": destination, "COUNTERPART_AREA": source, "INDICATOR": "INFLOW",
            "SOURCE": "MATRIX", "TIME_PERIOD": str(year), "OBS_VALUE": usd_millions, "UNIT_MEASURE": "USD",
            "UNIT_MULT": "6", "OBS_STATUS": "E"}
