"""Outbound HTTP(S) that cannot be pointed at the desk's own network (SSRF).

A feed URL (or a redirect it answers with) could name 127.0.0.1, the cloud
metadata address 169.254.169.254, or a host on the office LAN, and the
server would fetch it on the caller's behalf. `guarded_opener` gives a
urllib opener whose connections resolve the host once, refuse any address
that is not public (private, loopback, link-local, multicast, reserved,
unspecified, shared CGNAT space, IPv4-mapped copies of those) and connect to
exactly the address that was checked, so a DNS answer that changes between
the check and the connection (rebinding) cannot slip through. TLS still
checks the certificate against the host name. Redirects go through the
same connection code, so they are checked too.

Pure Python, no Django: the caller decides whether private addresses are
allowed (a setting, for a team whose feeds live on its own intranet).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.request


class BlockedAddress(OSError):
    """The host resolves to an address outbound requests must not reach."""


def is_public(address: str) -> bool:
    """Is `address` (an IP literal) a public, routable unicast address?"""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _public_addresses(host: str, port: int) -> list[tuple]:
    """getaddrinfo(host, port) for TCP, refusing the lot if any address is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve {host!r}: {exc.strerror or exc}") from exc
    blocked = sorted({info[4][0] for info in infos if not is_public(info[4][0])})
    if blocked:
        raise BlockedAddress(
            f"{host!r} resolves to a private or reserved address ({', '.join(blocked)}); "
            "outbound requests only go to public addresses"
        )
    return infos


def _connect(infos: list[tuple], timeout, source: tuple | None) -> socket.socket:
    """socket.create_connection to the first checked address that answers (IP literals only)."""
    last: OSError | None = None
    for *_, sockaddr in infos:
        try:
            return socket.create_connection(sockaddr[:2], timeout, source)
        except OSError as exc:
            last = exc
    raise last or OSError("no address to connect to")


def _guarded(conn_class: type[http.client.HTTPConnection]) -> type:
    class Guarded(conn_class):  # type: ignore[valid-type, misc]
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = self._checked_connection

        def _checked_connection(
            self, address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None
        ):
            host, port = address
            return _connect(_public_addresses(host, port), timeout, source_address)

    Guarded.__name__ = f"Guarded{conn_class.__name__}"
    return Guarded


GuardedHTTPConnection = _guarded(http.client.HTTPConnection)
GuardedHTTPSConnection = _guarded(http.client.HTTPSConnection)


class GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(GuardedHTTPConnection, req)


class GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(GuardedHTTPSConnection, req, context=self._context)


def http_handlers(allow_private: bool) -> list[urllib.request.BaseHandler]:
    """The HTTP and HTTPS handlers for an opener: guarded unless private addresses are allowed."""
    if allow_private:
        return [urllib.request.HTTPHandler(), urllib.request.HTTPSHandler()]
    return [GuardedHTTPHandler(), GuardedHTTPSHandler()]
