"""Where webhooks may go: public addresses, plus the networks a deployment allows (SSRF guard).

A subscription's URL comes from an API caller, so without this guard an integration key could make
Velho post to its own loopback services, the cloud metadata endpoint (169.254.169.254) or the
internal network. A URL is checked when a subscription is made, and every delivery connects only to
an address it has just resolved and checked itself: DNS may point the name elsewhere by then, and
resolving again after the check (as a plain HTTP client would) lets a rebinding name slip through.
"""

from __future__ import annotations

import socket
import typing
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

import httpcore
import httpx

from matcher.webhooks.errors import WebhookTargetRefused

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network
# IPv6 forms that carry an IPv4 address inside: the guard judges the IPv4 address.
_NAT64 = IPv6Network("64:ff9b::/96")


class HostUnresolved(Exception):
    """The host name has no address."""


class AddressRefused(Exception):
    """The host is, or resolves to, an address webhooks may not reach."""


class TargetBlocked(httpcore.ConnectError):
    """A delivery's host resolved to an address webhooks may not reach (httpx reports it as ConnectError)."""


@dataclass(frozen=True)
class TargetPolicy:
    """Allows global unicast addresses, and any address inside `allowed_networks`
    (`VELHO_WEBHOOK_ALLOWED_NETWORKS`, for deployments whose receivers are internal)."""

    allowed_networks: tuple[Network, ...] = ()

    def allows(self, address: Address) -> bool:
        """Whether a webhook may connect to this address."""
        if any(address in network for network in self.allowed_networks):
            return True
        inner = _embedded_ipv4(address)
        if inner is not None:
            return self.allows(inner)
        # Not global: loopback, private (RFC 1918, ULA), link-local (the metadata endpoints),
        # shared (100.64/10), unspecified, documentation and reserved ranges.
        return address.is_global and not address.is_multicast

    def resolve(self, host: str, port: int) -> list[Address]:
        """The host's addresses, all of them allowed: `HostUnresolved`, or `AddressRefused` naming the
        first refused address (one bad record refuses the whole name)."""
        try:
            addresses = [ip_address(host.strip("[]"))]
        except ValueError:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except (socket.gaierror, UnicodeError) as exc:
                raise HostUnresolved(f"{host} does not resolve") from exc
            addresses = list(dict.fromkeys(ip_address(str(info[4][0])) for info in infos))
        for address in addresses:
            if not self.allows(address):
                kind = _kind(_embedded_ipv4(address) or address)
                raise AddressRefused(f"{host} is {address}, {kind}: webhooks go to public addresses only")
        return addresses

    def check_url(self, url: str) -> None:
        """`WebhookTargetRefused` (422) unless the URL's host resolves to allowed addresses only."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise WebhookTargetRefused(f"not a usable URL: {exc}", field="body.url") from exc
        host = parsed.raw_host.decode("ascii")
        if parsed.scheme not in ("http", "https") or not host:
            raise WebhookTargetRefused("the URL needs http(s) and a host", field="body.url")
        try:
            self.resolve(host, parsed.port or (443 if parsed.scheme == "https" else 80))
        except HostUnresolved as exc:
            raise WebhookTargetRefused(str(exc), field="body.url") from exc
        except AddressRefused as exc:
            detail = f"{exc} (a deployment may allow its network: VELHO_WEBHOOK_ALLOWED_NETWORKS)"
            raise WebhookTargetRefused(detail, field="body.url") from exc


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves and checks the host itself, then connects to the checked address (TLS still
    verifies the URL's host name: httpcore passes it separately)."""

    def __init__(self, policy: TargetPolicy) -> None:
        self._policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self._policy.resolve(host, port)
        except HostUnresolved as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        except AddressRefused as exc:
            raise TargetBlocked(str(exc)) from exc
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return super().connect_tcp(str(address), port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
        assert failure is not None
        raise failure


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport on a connection pool that reaches allowed addresses only."""

    def __init__(self, policy: TargetPolicy) -> None:
        super().__init__(trust_env=False)
        # httpx takes no network backend, its connection pool does: replace the pool it built.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=20,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(policy),
        )


def _embedded_ipv4(address: Address) -> IPv4Address | None:
    if not isinstance(address, IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _kind(address: Address) -> str:
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local (cloud metadata lives there)"
    if address.is_private:
        return "private"
    return "not a public unicast address"
