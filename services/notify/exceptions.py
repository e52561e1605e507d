"""Errors of the notify service (defined in the shared package: they cross RPC)."""
from observatory.errors import NotFound, UnknownSubscriber, UnsafeDestination

__all__ = ["NotFound", "UnknownSubscriber", "UnsafeDestination"]
