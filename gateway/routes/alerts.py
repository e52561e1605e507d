"""Alerts: operators register member-state subscribers; a subscriber manages
its subscriptions and reads its feed and delivery log."""
from gateway.auth import OPERATOR, SUBSCRIBER
from gateway.routes.table import API, Route
from observatory.contracts.common import PageQuerySchema
from observatory.contracts.notify import (
    DeliveryListSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    FeedQuerySchema,
    NotificationListSchema,
    SubscriberCreateSchema,
    SubscriberListSchema,
    SubscriberSchema,
    SubscriptionAdminQuerySchema,
    SubscriptionCreateSchema,
    SubscriptionListSchema,
    SubscriptionSchema,
)

MINE = (400, 401, 403)

ROUTES = (
    Route("POST", f"{API}/subscribers", "create_subscriber", "Register a ministry, central bank or statistics office",
          roles=(OPERATOR,), body=SubscriberCreateSchema, response=SubscriberSchema,
          errors=(*MINE, 409, 413, 415), status=201),
    Route("GET", f"{API}/subscribers", "list_subscribers", "Every subscriber", roles=(OPERATOR,),
          query=PageQuerySchema, response=SubscriberListSchema, errors=MINE),
    Route("GET", f"{API}/admin/subscriptions", "all_subscriptions",
          "Every subscriber's subscriptions; ?status=disabled lists the endpoints notify gave up on, and why",
          roles=(OPERATOR,), query=SubscriptionAdminQuerySchema, response=SubscriptionListSchema, errors=MINE),
    Route("POST", f"{API}/subscriptions", "create_subscription",
          "Subscribe (a webhook subscription's whsec_ secret is in this answer only)", roles=(SUBSCRIBER,),
          body=SubscriptionCreateSchema, response=SubscriptionSchema, errors=(*MINE, 413, 415), status=201),
    Route("GET", f"{API}/subscriptions", "list_subscriptions", "Your subscriptions (disabled ones say why)",
          roles=(SUBSCRIBER,), query=PageQuerySchema, response=SubscriptionListSchema, errors=MINE),
    Route("DELETE", f"{API}/subscriptions/<subscription_id>", "delete_subscription", "Unsubscribe",
          roles=(SUBSCRIBER,), response=SubscriptionSchema, errors=(401, 403, 404)),
    Route("POST", f"{API}/subscriptions/<subscription_id>/rotate-secret", "rotate_secret",
          "A new webhook secret; the old one keeps signing beside it for 24 h", roles=(SUBSCRIBER,),
          response=SubscriptionSchema, errors=(401, 403, 404)),
    Route("GET", f"{API}/notifications", "list_notifications", "Your feed, newest first", roles=(SUBSCRIBER,),
          query=FeedQuerySchema, response=NotificationListSchema, errors=MINE),
    Route("GET", f"{API}/deliveries", "list_deliveries", "Your delivery log, every attempt with its answer",
          roles=(SUBSCRIBER,), query=DeliveryQuerySchema, response=DeliveryListSchema, errors=MINE),
    Route("POST", f"{API}/deliveries/<delivery_id>/replay", "replay_delivery",
          "Send a delivery again (same webhook-id)", roles=(SUBSCRIBER,), response=DeliverySchema,
          errors=(401, 403, 404)),
)
