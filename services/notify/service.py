"""The thin nameko face of the notify service; logic lives in plain modules,
each given the worker's ``NotifyStore`` (``store.py``) as its first argument.

Events from ingest and the catalog become notifications (``alerts``); a
timer sends what is due (``delivery``), so a process killed mid-delivery
loses nothing: the state is in the store, and the attempt becomes due again.
"""
import logging

from observatory.contracts.notify import (
    DeliveryQuerySchema,
    FeedQuerySchema,
    SubscriberCreateSchema,
    SubscriptionAdminQuerySchema,
    SubscriptionCreateSchema,
)
from observatory.contracts.common import PageQuerySchema
from observatory.errors import NotFound, validated
from observatory.events import parse_event
from observatory.health import PingMixin
from observatory.mongo import MongoStore
from observatory.replicated import rpc
from observatory.outbox import ConfiguredTimer
from observatory.reliable_events import reliable_event_handler
from services.notify import alerts, delivery, digests, subscriptions
from services.notify.dependencies import OutboundConfig
from services.notify.store import DB_NAME, STORE_ALIAS, NotifyStore
from services.notify import scheduled_exports
from services.notify.scheduled_exports_runner import ScheduledExportRunner
from observatory.contracts.capacity import acting_principal as _principal
from observatory.contracts.scheduled_exports import ScheduledExportCreateSchema, ScheduledExportEditSchema

log = logging.getLogger(__name__)
DELIVERY_SECONDS = 0.5  # config NOTIFY_DELIVERY_SECONDS
ROTATION_OVERLAP_SECONDS = 24 * 3600  # the old secret signs beside the new one this long
DIGEST_CHECK_SECONDS = 60
EXPORT_CHECK_SECONDS = 60  # config NOTIFY_EXPORT_SECONDS


class NotifyService(PingMixin):
    name = "notify"
    store_alias = STORE_ALIAS

    store = MongoStore(STORE_ALIAS, DB_NAME, adapter=NotifyStore)
    outbound = OutboundConfig()
    exports = ScheduledExportRunner()

    # -- events in ------------------------------------------------------------
    def _apply(self, payload):
        event = parse_event(payload)
        fresh_deliveries = []
        created = alerts.apply_event(self.store, event, fresh_deliveries)
        if created:
            log.info("%s %s: %d notification(s)", event["type"], event["event_id"], len(created))
        self.outbound.dispatch(self.store, fresh_deliveries)

    @reliable_event_handler("ingest", "dataset.published")
    def on_dataset_published(self, payload):
        self._apply(payload)

    @reliable_event_handler("ingest", "corridor.cost.changed")
    def on_corridor_cost_changed(self, payload):
        self._apply(payload)

    @reliable_event_handler("catalog", "provider.registered")
    def on_provider_registered(self, payload):
        self._apply(payload)

    @reliable_event_handler("catalog", "provider.updated")
    def on_provider_updated(self, payload):
        self._apply(payload)

    @reliable_event_handler("catalog", "practice.published")
    def on_practice_published(self, payload):
        self._apply(payload)

    @reliable_event_handler("ingest", "national.published")
    def on_national_published(self, payload):
        self._apply(payload)

    @reliable_event_handler("catalog", "request.published")
    def on_request_published(self, payload):
        self._apply(payload)  # the institutions following its theme (subscriptions with practice_themes)

    @reliable_event_handler("catalog", "plan.target.changed")
    def on_plan_target_changed(self, payload):
        self._apply(payload)  # the member state (its country) and the corridors' subscribers

    # -- deliveries out -----------------------------------------------------------
    @ConfiguredTimer.decorator("NOTIFY_DELIVERY_SECONDS", DELIVERY_SECONDS)
    def send_due(self):
        self.outbound.send_due(self.store)  # each attempt in a slot of its own; the tick does not wait for receivers

    @ConfiguredTimer.decorator("NOTIFY_DIGEST_SECONDS", DIGEST_CHECK_SECONDS)
    def queue_digests(self):
        queued = digests.queue_digests(self.store)
        if queued:
            log.info("queued %d digest(s)", len(queued))

    @ConfiguredTimer.decorator("NOTIFY_EXPORT_SECONDS", EXPORT_CHECK_SECONDS)
    def run_scheduled_exports(self):
        runs = self.exports.run_due(self.store, self.outbound)
        if runs:
            log.info("scheduled exports: %s", ", ".join(f"{r['id']} {r['status']}" for r in runs))

    # -- scheduled exports (issue 21) -------------------------------------------
    # ``by``: the acting principal (``{"role", "member_id"}``) the audit entry names; the institution itself if None.
    @rpc
    def create_scheduled_export(self, subscriber_id, request, by=None):
        return scheduled_exports.create(self.store, str(subscriber_id),
                                        validated(ScheduledExportCreateSchema(), request),
                                        self.outbound.settings.addresses, by=_principal(by))

    @rpc
    def list_scheduled_exports(self, subscriber_id):
        return scheduled_exports.listed(self.store, str(subscriber_id))

    @rpc
    def change_scheduled_export(self, subscriber_id, export_id, changes, by=None):
        return scheduled_exports.change(self.store, str(subscriber_id), str(export_id),
                                        validated(ScheduledExportEditSchema(), changes), by=_principal(by))

    @rpc
    def delete_scheduled_export(self, subscriber_id, export_id, by=None):
        return scheduled_exports.delete(self.store, str(subscriber_id), str(export_id), by=_principal(by))

    @rpc
    def scheduled_export_audit(self, subscriber_id):
        """Who created, changed and deleted the institution's exports, deleted ones included."""
        return {"items": self.store.scheduled_exports.audit_of(str(subscriber_id))}

    # -- subscribers and subscriptions ----------------------------------------
    @rpc
    def create_subscriber(self, request):
        return subscriptions.create_subscriber(self.store, validated(SubscriberCreateSchema(), request))

    @rpc
    def get_subscriber(self, subscriber_id):
        return subscriptions.get_subscriber(self.store, str(subscriber_id))

    @rpc
    def list_subscribers(self, params):
        return subscriptions.list_subscribers(self.store, **validated(PageQuerySchema(), params))

    @rpc
    def create_subscription(self, subscriber_id, request):
        return subscriptions.create_subscription(self.store, str(subscriber_id),
                                                 validated(SubscriptionCreateSchema(), request),
                                                 self.outbound.settings.addresses)

    @rpc
    def list_subscriptions(self, subscriber_id, params):
        return subscriptions.list_subscriptions(self.store, str(subscriber_id), **validated(PageQuerySchema(), params))

    @rpc
    def all_subscriptions(self, params):
        """For operators: every subscription, e.g. the disabled ones and why."""
        query = validated(SubscriptionAdminQuerySchema(), params)
        return subscriptions.list_subscriptions(self.store, query.pop("subscriber_id", None), **query)

    @rpc
    def delete_subscription(self, subscriber_id, subscription_id):
        return subscriptions.delete_subscription(self.store, str(subscriber_id), str(subscription_id))

    @rpc
    def rotate_secret(self, subscriber_id, subscription_id):
        return subscriptions.rotate_secret(self.store, str(subscriber_id), str(subscription_id),
                                           ROTATION_OVERLAP_SECONDS)

    # -- feed, delivery log, replay --------------------------------------------
    @rpc
    def list_notifications(self, subscriber_id, params):
        return subscriptions.list_notifications(self.store, str(subscriber_id), **validated(FeedQuerySchema(), params))

    @rpc
    def list_deliveries(self, subscriber_id, params):
        return delivery.list_deliveries(self.store, str(subscriber_id), **validated(DeliveryQuerySchema(), params))

    @rpc
    def replay_delivery(self, subscriber_id, delivery_id):
        found = delivery.replay(self.store, str(subscriber_id), str(delivery_id))
        if found is None:
            raise NotFound("no such delivery (or it is being sent right now)", {"id": delivery_id})
        return delivery.delivery_view(found)