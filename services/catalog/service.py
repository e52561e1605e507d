"""The thin nameko face of the catalog service; logic lives in plain modules.

Every RPC validates its input with the shared contract (the gateway has
validated it too, but the catalog does not trust its callers), and every
write flushes the outbox of what it wrote (the relay timer retries).
"""
import logging

import eventlet
from nameko.timer import timer

from observatory.contracts.events import FirmsObservedBatchSchema
from observatory.deadlines import DeadlineRpcProxy
from observatory.errors import ServiceUnavailable, validated
from observatory.events import parse_event
from observatory.health import PingMixin
from observatory.mongo import MongoStore
from observatory.replicated import rpc
from observatory.outbox import OutboxDispatcher, OutboxRelay
from observatory.reliable_events import reliable_event_handler
from services.catalog import curation, declared, queries, rebuild, registry
from services.catalog.dependencies import ParkedFirms, PracticeLibrary
from services.catalog.models import STORE_ALIAS, Practice, Provider
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


class CatalogService(PingMixin, OutboxRelay):
    name = "catalog"
    store_alias = STORE_ALIAS

    store = MongoStore(STORE_ALIAS, "observatory_catalog")
    outbox = OutboxDispatcher(STORE_ALIAS)
    library = PracticeLibrary()
    park_firms = ParkedFirms()
    ingest = DeadlineRpcProxy("ingest")

    # -- the registry, from the data ---------------------------------------
    @reliable_event_handler("ingest", "firms.observed")
    def on_firms_observed(self, payload):
        event, rejected = parse_event(payload, FirmsObservedBatchSchema()), []
        touched = registry.apply_firms_observed(event, pause=eventlet.sleep,  # reads stay answered meanwhile
                                                rejected=rejected)
        rebuild.record_applied(event["data"]["dataset_id"], len(event["data"]["firms"]), "event")
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
            answer = rebuild.rebuild(self.ingest.observed_firm_datasets, self.ingest.observed_firms,
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
        return queries.list_providers(**validated(ProviderQuerySchema(), params))

    @rpc
    def get_provider(self, provider_id):
        return queries.get_provider(str(provider_id))

    @rpc
    def provider_audit(self, provider_id, limit=100):
        return queries.provider_audit(str(provider_id), int(limit))

    @rpc
    def create_provider(self, request, by):
        doc = curation.create_provider(validated(ProviderCreateSchema(), request), str(by))
        return self._written(Provider, doc["_id"], queries.provider_view)

    @rpc
    def update_provider(self, provider_id, changes, expected_version, by):
        doc = curation.update_provider(str(provider_id), validated(ProviderEditSchema(), changes),
                                       int(expected_version), str(by))
        return self._written(Provider, doc["_id"], queries.provider_view)

    @rpc
    def merge_providers(self, target_id, other_id, by):
        doc = curation.merge(str(target_id), str(other_id), str(by))
        return self._written(Provider, doc["_id"], queries.provider_view)

    @rpc
    def split_provider(self, provider_id, alias, by):
        doc = curation.split(str(provider_id), str(alias), str(by))
        self.outbox.flush(Provider, str(provider_id))
        return self._written(Provider, doc["_id"], queries.provider_view)

    # -- declared prices ---------------------------------------------------------
    @rpc
    def declare_quote(self, provider_id, request, by):
        answer = declared.declare(str(provider_id), validated(DeclaredQuoteRequestSchema(), request), str(by))
        self.outbox.flush(Provider, answer["provider_id"])
        return answer

    @rpc
    def declared_quotes(self, provider_id):
        doc = queries.find_provider(str(provider_id))
        return queries.declared_quotes(provider_id=doc["_id"])

    # -- what published reads add ----------------------------------------------
    @rpc
    def corridor_extras(self, source, destination, period, firm_names, latest=False):
        return queries.corridor_extras(str(source), str(destination), period and str(period),
                                       [str(n) for n in firm_names], bool(latest))

    @rpc
    def country_extras(self, iso3):
        return queries.country_extras(str(iso3))

    # -- practices ---------------------------------------------------------------
    @rpc
    def list_practices(self, params, public=True):
        return self.library.search(**validated(PracticeQuerySchema(), params), public=bool(public))

    @rpc
    def get_practice(self, practice_id, public=True):
        return self.library.view(self.library.get_practice(str(practice_id), bool(public)))

    @rpc
    def create_practice(self, request, by):
        doc = self.library.create(validated(PracticeCreateSchema(), request), str(by))
        return self._written(Practice, doc["_id"], self.library.view)

    @rpc
    def update_practice(self, practice_id, changes, expected_version, by):
        doc = self.library.update(str(practice_id), validated(PracticeEditSchema(), changes),
                                    int(expected_version), str(by))
        return self.library.view(doc)

    @rpc
    def publish_practice(self, practice_id, by):
        doc = self.library.publish(str(practice_id), str(by))
        return self._written(Practice, doc["_id"], self.library.view)

    @rpc
    def import_practices(self, request, by):
        answer = self.library.import_practices(validated(PracticeImportSchema(), request)["items"], str(by))
        self.outbox.flush_all()
        return answer

    @rpc
    def import_practices_csv(self, text, by):
        items = self.library.items_from_csv(str(text))
        return self.import_practices({"items": items}, by)

    def _written(self, document_cls, doc_id, view):
        """Publish what the write put in the outbox, answer the document as it now is."""
        self.outbox.flush(document_cls, doc_id)
        return view(document_cls._get_collection().find_one({"_id": doc_id}))
