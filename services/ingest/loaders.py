"""What each dataset kind does with its accepted records: collect them while
the file is parsed, then commit them in bulk once the whole file was read
(so an unreadable file leaves stored data untouched)."""
import sys
from collections import defaultdict

from observatory.events import new_event
from services.ingest.indicators import Quote
from services.ingest.models import OfficialAverage
from services.ingest.store import SOURCE, corridor_key, recompute_periods, write_corridor_periods

_INTERNED = ("firm", "firm_type", "product", "payment_instrument", "access_point", "pickup_method", "speed")


class QuotesLoader:
    """rpw-quotes: observed quotes, grouped by corridor-period."""

    def __init__(self, dataset_id, **options):
        self.dataset_id = dataset_id
        self.groups = defaultdict(list)
        self.firms = {}

    def add(self, record):
        for name in _INTERNED:  # 25k rows name ~500 firms: share the strings
            if record.get(name) is not None:
                record[name] = sys.intern(record[name])
        key = (record["period"], record["source"], record["destination"])
        self.groups[key].append(Quote.from_record(record))
        firm = self.firms.setdefault(record["firm"], {"name": record["firm"], "firm_types": set(), "corridors": set()})
        if record.get("firm_type"):
            firm["firm_types"].add(record["firm_type"])
        firm["corridors"].add(f"{record['source']}-{record['destination']}")

    def commit(self):
        changed = write_corridor_periods(self.dataset_id, self.groups)
        periods = sorted({p for p, _, _ in self.groups})
        recompute_periods(periods)
        firms = [{"name": f["name"], "firm_types": sorted(f["firm_types"]), "corridors": sorted(f["corridors"])}
                 for f in sorted(self.firms.values(), key=lambda f: f["name"])]
        events = [new_event("firms.observed", SOURCE, {"dataset_id": self.dataset_id, "firms": firms})] if firms else []
        return {"periods": periods, "corridor_periods": len(self.groups), "corridors_changed": len(changed),
                "firms": len(firms)}, events


class CorridorAveragesLoader:
    """rpw-corridor-averages: the official series, upserted by corridor-period."""

    def __init__(self, dataset_id, **options):
        self.dataset_id = dataset_id
        self.rows = {}

    def add(self, record):
        key = corridor_key(record["period"], record["source"], record["destination"])
        self.rows[key] = {"_id": key, **record, "dataset_id": self.dataset_id}

    def commit(self):
        collection = OfficialAverage._get_collection()
        existing = {d["_id"] for d in collection.find({"_id": {"$in": list(self.rows)}}, {"_id": 1})}
        fresh = [row for key, row in self.rows.items() if key not in existing]
        if fresh:
            collection.insert_many(fresh)
        for key in existing:
            collection.replace_one({"_id": key}, self.rows[key])
        periods = sorted({r["period"] for r in self.rows.values()})
        return {"periods": periods, "corridor_periods": len(self.rows)}, []
