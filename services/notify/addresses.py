"""Where a webhook may go: the host resolved (through a resolver port, so a
test can make a name resolve anywhere), every address checked against the
refused networks, and the address that passed handed to the sender, which
connects to it and nowhere else (a second lookup could answer otherwise:
DNS rebinding)."""
import dataclasses
import ipaddress
import socket
from urllib.parse import urlsplit

from observatory.errors import UnsafeDestination

# Refused unless WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 (local receivers while testing).
PRIVATE_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",  # private
    "127.0.0.0/8", "::1/128",  # loopback
    "169.254.0.0/16", "fe80::/10",  # link-local (cloud metadata lives here)
    "fc00::/7",  # IPv6 unique local: the private networks of IPv6
))
# Refused always: nobody's public receiver, or an address that embeds or
# translates to another one (which would bypass the checks above).
ALWAYS_REFUSED_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "::/128",  # "this network", unspecified
    "100.64.0.0/10",  # carrier-grade NAT (and cloud metadata, e.g. 100.100.100.200)
    "192.0.0.0/24",  # IETF protocol assignments
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32",  # documentation
    "198.18.0.0/15",  # benchmarking
    "240.0.0.0/4",  # reserved, and the broadcast address
    "224.0.0.0/4", "ff00::/8",  # multicast
    "2002::/16",  # 6to4: embeds an IPv4 address
    "2001::/32",  # Teredo: embeds an IPv4 address
    "64:ff9b::/96", "64:ff9b:1::/48",  # NAT64: translates to an IPv4 address
    "::ffff:0:0/96",  # IPv4-mapped
    "100::/64",  # discard-only
))


def system_resolver(host, port):
    """Every address ``host`` resolves to (the system's resolver)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)]


@dataclasses.dataclass(frozen=True)
class AddressPolicy:
    """``allowed_networks`` (config WEBHOOK_ALLOWED_NETWORKS) are let through
    whatever the tables say: e.g. a test's receiver on 127.0.0.0/8 while the
    rest of the private ranges stay refused."""

    allow_private: bool = False
    allowed_networks: tuple = ()
    resolve: object = system_resolver  # (host, port) -> [address, ...]

    def refusal(self, address):
        """Why ``address`` is refused (the network it is in), or None."""
        ip = ipaddress.ip_address(address.split("%")[0])  # an IPv6 zone ("fe80::1%eth0") is no part of it
        if any(ip in ipaddress.ip_network(n) for n in self.allowed_networks):
            return None
        refused = ALWAYS_REFUSED_NETWORKS if self.allow_private else ALWAYS_REFUSED_NETWORKS + PRIVATE_NETWORKS
        return next((str(n) for n in refused if ip.version == n.version and ip in n), None)


@dataclasses.dataclass(frozen=True)
class Target:
    """A webhook URL taken apart, with the one address it is to be sent to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def checked_target(url, policy):
    """The ``Target`` of ``url``, its host resolved and every address it
    resolves to checked; raise UnsafeDestination otherwise."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    if parts.scheme not in ("https", "http") or not parts.hostname or port is None:
        raise UnsafeDestination("a webhook URL must be http(s) with a host (and a valid port)", {"url": url})
    try:
        addresses = [str(ipaddress.ip_address(parts.hostname))]  # a literal address is not looked up
    except ValueError:
        try:
            addresses = list(dict.fromkeys(policy.resolve(parts.hostname, port)))
        except (OSError, UnicodeError) as exc:
            raise UnsafeDestination(f"the webhook host does not resolve: {exc}", {"url": url}) from None
    if not addresses:
        raise UnsafeDestination("the webhook host does not resolve", {"url": url})
    refused = {a: policy.refusal(a) for a in addresses}
    refused = {a: n for a, n in refused.items() if n}
    if refused:
        raise UnsafeDestination("webhooks to private, loopback, link-local, shared, reserved, multicast or "
                                "translated addresses are refused (WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 allows the "
                                "private, loopback and link-local ones)",
                                {"url": url, "addresses": sorted(refused), "networks": sorted(set(refused.values()))})
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])
