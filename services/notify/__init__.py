"""Notify service. Subscribers, subscriptions and deliveries (webhook, email, in-platform feed)."""
