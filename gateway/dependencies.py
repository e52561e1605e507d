"""Adapters the gateway's workers get injected."""
from nameko.extensions import DependencyProvider

from gateway.auth import bearer_token, hash_token, identify, require_role
from observatory import deadletters


class Authentication:
    def __init__(self, operator_token_hash, find_credential):
        self._operator_token_hash = operator_token_hash
        self._find_credential = find_credential

    def principal(self, request):
        """The caller, or None for an anonymous request (401 for a bad token)."""
        token = bearer_token(request.headers.get("Authorization"))
        if token is None:
            return None
        return identify(token, self._operator_token_hash, self._find_credential)

    def require(self, request, *roles):
        return require_role(self.principal(request), *roles)


class Authenticator(DependencyProvider):
    """The operator token comes from ``OBSERVATORY_ADMIN_TOKEN``; only its
    hash is kept in memory. Stored credentials are looked up in the store
    that the service's ``store_attribute`` dependency (a MongoStore) holds."""

    def __init__(self, store_attribute="store"):
        self.store_attribute = store_attribute

    def setup(self):
        token = self.container.config.get("OBSERVATORY_ADMIN_TOKEN") or ""
        self.operator_token_hash = hash_token(str(token)) if token else None
        self.store_provider = next(d for d in self.container.dependencies if d.attr_name == self.store_attribute)

    def get_dependency(self, worker_ctx):
        return Authentication(self.operator_token_hash, self.store_provider.store.active_credential)


class DeadLetters:
    def __init__(self, amqp_uri):
        self._amqp_uri = amqp_uri

    def list(self, limit):
        return deadletters.list_dead_letters(self._amqp_uri, limit)

    def replay(self, event_ids=None):
        return deadletters.replay_dead_letters(self._amqp_uri, event_ids)


class DeadLetterAdmin(DependencyProvider):
    """Lists and replays dead letters on the platform's broker."""

    def get_dependency(self, worker_ctx):
        return DeadLetters(self.container.config["AMQP_URI"])
