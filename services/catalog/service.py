"""The thin nameko face of the catalog service; logic lives in plain modules.

Every RPC validates its input with the shared contract (the gateway has
validated it too, but the catalog does not trust its callers), and every
write flushes the outbox of what it wrote (the relay timer retries).
"""
import logging

import eventlet
from nameko.timer import timer

from observatory.contracts.catalog import CHANGED
from observatory.contracts.events import FirmsObservedBatchSchema
from observatory.contracts.sdmx_sources import DeclaredCostPageRequestSchema
from observatory.deadlines import DeadlineRpcProxy
from observatory.errors import ServiceUnavailable, validated
from observatory.events import parse_event
from observatory.health import PingMixin
from observatory.mongo import MongoStore
from observatory.replicated import rpc
from observatory.outbox import OutboxDispatcher, OutboxRelay
from observatory.reliable_events import reliable_event_handler
from services.catalog import curation, declared, declared_costs, practices, queries, rebuild, registry
from services.catalog.service_capacity import CapacityRpcs
from services.catalog.dependencies import ParkedFirms, StartingPracticeLibrary
from services.catalog.store import DB_NAME, STORE_ALIAS, CatalogStore, Practice, Provider
from services.catalog.schemas import (
    DeclaredQuoteRequestSchema,
    PracticeCreateSchema,
    PracticeEditSchema,
    PracticeImportSchema,
    PracticeQuerySchema,
    ProviderCreateSchema,
    ProviderEditSchema,
    ProviderQuerySchema,
)

log = logging.getLogger(__name__)
REBUILD_SECONDS = 30


class CatalogService(CapacityRpcs, PingMixin, OutboxRelay):
    name = "catalog"
    store_alias = STORE_ALIAS

    store = MongoStore(STORE_ALIAS, DB_NAME, adapter=CatalogStore)
    outbox = OutboxDispatcher(STORE_ALIAS)
    starting_library = StartingPracticeLibrary()
    park_firms = ParkedFirms()
    ingest = DeadlineRpcProxy("ingest")

    # -- the registry, from the data ---------------------------------------
    @reliable_event_handler("ingest", "firms.observed")
    def on_firms_observed(self, payload):
        event, rejected = parse_event(payload, FirmsObservedBatchSchema()), []
        touched = registry.apply_firms_observed(self.store, event, rejected=rejected,
                                                pause=eventlet.sleep)  # reads stay answered meanwhile
        self.store.record_applied_dataset(event["data"]["dataset_id"], len(event["data"]["firms"]), "event")
        log.info("firms.observed %s: %d firm(s), %d entr(ies) written", event["event_id"],
                 len(event["data"]["firms"]), len(set(touched)))
        self.outbox.flush_all()
        if rejected:
            self.park_firms(payload, rejected)

    @timer(interval=REBUILD_SECONDS, eager=True)
    def rebuild_observed(self):
        """At start, then every 30 s: apply the firms of any published dataset
        this store has not applied (all of them after a restart on the
        in-process store; one whose event was lost). Ingest not answering
        within the deadline: the next tick asks again."""
        try:
            answer = rebuild.rebuild(self.store, self.ingest.observed_firm_datasets, self.ingest.observed_firms,
                                     pause=eventlet.sleep)
        except ServiceUnavailable as exc:
            log.info("observed providers not rebuilt yet: %s", exc.message)
            return
        if answer["datasets"]:
            log.warning("observed providers rebuilt from %d published dataset(s) of ingest: %d entr(ies) written",
                        len(answer["datasets"]), len(answer["providers"]))
        self.outbox.flush_all()

    # -- providers -------------------------------------------------------------
    @rpc
    def list_providers(self, params):
        return queries.list_providers(self.store, **validated(ProviderQuerySchema(), params))

    @rpc
    def get_provider(self, provider_id):
        return queries.get_provider(self.store, str(provider_id))

    @rpc
    def provider_audit(self, provider_id, limit=100):
        return queries.provider_audit(self.store, str(provider_id), int(limit))

    @rpc
    def create_provider(self, request, by):
        doc = curation.create_provider(self.store, validated(ProviderCreateSchema(), request), str(by))
        return self._written_entry(doc["_id"])

    @rpc
    def update_provider(self, provider_id, changes, expected_version, by):
        doc = curation.update_provider(self.store, str(provider_id), validated(ProviderEditSchema(), changes),
                                       int(expected_version), str(by))
        return self._written_entry(doc["_id"])

    @rpc
    def merge_providers(self, target_id, other_id, by):
        doc, changed = curation.merge(self.store, str(target_id), str(other_id), str(by))
        return {**self._written_entry(doc["_id"]), CHANGED: changed}

    @rpc
    def split_provider(self, provider_id, alias, by):
        doc, changed = curation.split(self.store, str(provider_id), str(alias), str(by))
        self.outbox.flush(Provider, str(provider_id))
        return {**self._written_entry(doc["_id"]), CHANGED: changed}

    # -- declared prices ---------------------------------------------------------
    @rpc
    def declare_quote(self, provider_id, request, by):
        request = validated(DeclaredQuoteRequestSchema(), request)
        answer, changed = declared.declare(self.store, str(provider_id), request, str(by))
        self.outbox.flush(Provider, answer["provider_id"])
        return {**answer, CHANGED: changed}

    @rpc
    def declared_quotes(self, provider_id):
        doc = queries.find_provider(self.store, str(provider_id))
        return queries.declared_quotes(self.store, provider_id=doc["_id"])

    @rpc
    def declared_cost_page(self, cursor=None, limit=200, source=None, destination=None, first=None, last=None,
                           as_of=None):
        """The DECLARED corridor-cost series, a page of corridors, now or as declared at ``as_of``
        (services.catalog.declared_costs)."""
        asked = validated(DeclaredCostPageRequestSchema(), {"cursor": cursor, "limit": limit, "source": source,
                                                            "destination": destination, "first": first, "last": last,
                                                            "as_of": as_of})
        return declared_costs.declared_cost_page(self.store, **asked)

    @rpc
    def declared_marker(self):
        return declared_costs.declared_marker(self.store)

    # -- what published reads add ----------------------------------------------
    @rpc
    def corridor_extras(self, source, destination, period, firm_names, latest=False):
        return queries.corridor_extras(self.store, str(source), str(destination), period and str(period),
                                       [str(n) for n in firm_names], bool(latest))

    @rpc
    def country_extras(self, iso3):
        return queries.country_extras(self.store, str(iso3))

    # -- practices ---------------------------------------------------------------
    @rpc
    def list_practices(self, params, public=True):
        return practices.search(self.store, **validated(PracticeQuerySchema(), params), public=bool(public))

    @rpc
    def get_practice(self, practice_id, public=True):
        return practices.view(practices.get_practice(self.store, str(practice_id), bool(public)))

    @rpc
    def create_practice(self, request, by):
        doc = practices.create(self.store, validated(PracticeCreateSchema(), request), str(by))
        return self._written_practice(doc["_id"])

    @rpc
    def update_practice(self, practice_id, changes, expected_version, by):
        doc = practices.update(self.store, str(practice_id), validated(PracticeEditSchema(), changes),
                               int(expected_version), str(by))
        self.outbox.flush(Practice, doc["_id"])  # practice.updated, when it was published; the relay retries
        return practices.view(doc)

    @rpc
    def publish_practice(self, practice_id, by):
        doc = practices.publish(self.store, str(practice_id), str(by))
        return self._written_practice(doc["_id"])

    @rpc
    def import_practices(self, request, by):
        answer = practices.import_practices(self.store, validated(PracticeImportSchema(), request)["items"], str(by))
        self.outbox.flush_all()
        return answer

    @rpc
    def import_practices_csv(self, text, by):
        items = practices.items_from_csv(str(text))
        return self.import_practices({"items": items}, by)

    # Publish what a write put in the outbox, answer the entry or practice as it now is.
    def _written_entry(self, provider_id):
        self.outbox.flush(Provider, provider_id)
        return queries.provider_view(self.store.provider(provider_id))

    def _written_practice(self, practice_id):
        self.outbox.flush(Practice, practice_id)
        return practices.view(self.store.practices.get(practice_id))
