"""Alerts: operators register member-state subscribers; a subscriber token
acts on its own subscriber only. Each handler is one call to notify."""
from gateway.routes.table import API, Reply


class Alerts:
    def __init__(self, notify):
        self.notify = notify

    def create_subscriber(self, request, call):
        answer = self.notify.create_subscriber(call.body)
        return Reply(answer, headers={"Location": f"{API}/subscribers/{answer['id']}"})

    def list_subscribers(self, request, call):
        return self.notify.list_subscribers(call.params)

    def all_subscriptions(self, request, call):
        return self.notify.all_subscriptions(call.params)

    def create_subscription(self, request, call):
        answer = self.notify.create_subscription(call.principal.subject_id, call.body)
        return Reply(answer, headers={"Cache-Control": "no-store"})  # it holds the secret

    def list_subscriptions(self, request, call):
        return self.notify.list_subscriptions(call.principal.subject_id, call.params)

    def delete_subscription(self, request, call):
        return self.notify.delete_subscription(call.principal.subject_id, call.path["subscription_id"])

    def rotate_secret(self, request, call):
        answer = self.notify.rotate_secret(call.principal.subject_id, call.path["subscription_id"])
        return Reply(answer, headers={"Cache-Control": "no-store"})

    def list_notifications(self, request, call):
        return self.notify.list_notifications(call.principal.subject_id, call.params)

    def list_deliveries(self, request, call):
        return self.notify.list_deliveries(call.principal.subject_id, call.params)

    def replay_delivery(self, request, call):
        return self.notify.replay_delivery(call.principal.subject_id, call.path["delivery_id"])
