"""The firms of the real quotes file, as ingest announces them (no store needed)."""
import csv

from tests.ingest_files import RPW_QUOTES


def real_firms():
    """The firms.observed payload of the real quotes file, as ingest's loader builds it."""
    from services.ingest.loaders import PRODUCT_FIELDS, _firm_view

    firms = {}
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            year, quarter = row["period"].split("_")
            period = f"{year}Q{quarter[0]}"
            firm = firms.setdefault(row["firm"], {"name": row["firm"], "firm_types": set(), "corridors": {},
                                                  "products": set()})
            if row["firm_type"]:
                firm["firm_types"].add(row["firm_type"])
            first, last = firm["corridors"].get((row["source"], row["destination"]), (period, period))
            firm["corridors"][(row["source"], row["destination"])] = (min(first, period), max(last, period))
            record = {"product": row["product"] or None, "payment_instrument": None, "pickup_method":
                      row["pick.up.method"] or None, "access_point": None, "speed": row["speed.actual"] or None,
                      "coverage": row["coverage"] or None}
            firm["products"].add(tuple(record[name] for name in PRODUCT_FIELDS))
    return [_firm_view(f) for f in sorted(firms.values(), key=lambda f: f["name"])]
