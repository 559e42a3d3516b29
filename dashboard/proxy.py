"""Behind a reverse proxy: who the client really is, and whether it came over TLS.

Only a proxy listed in `SALA_TRUSTED_PROXIES` (addresses or CIDR blocks) is believed.
From such a peer, `X-Forwarded-For` is read from the right — each proxy appends the
address it saw — skipping the trusted hops, and the first untrusted address is the
client (what a client wrote further left is its own claim, ignored). `X-Forwarded-Proto`
from the nearest trusted proxy sets the scheme, so `request.is_secure` (the session
cookie's Secure flag) and absolute URLs are right behind a TLS terminator. From any
other peer both headers are ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware rewriting REMOTE_ADDR and wsgi.url_scheme from a trusted proxy's headers."""

    def __init__(self, app, networks: Iterable[Network]):
        self.app = app
        self.networks = tuple(networks)

    def trusted(self, address) -> bool:
        return address is not None and any(address in network for network in self.networks)

    def client(self, remote: str, forwarded_for: str) -> str:
        """The first untrusted address from the right of the chain ending at `remote`."""
        client = remote
        for hop in reversed([part for part in forwarded_for.split(",") if part.strip()]):
            address = _address(hop)
            if address is None:  # not an address: stop at the last hop we could read
                break
            client = str(address)
            if not self.trusted(address):
                break
        return client

    def __call__(self, environ, start_response):
        remote = environ.get("REMOTE_ADDR", "")
        if self.networks and self.trusted(_address(remote)):
            environ["REMOTE_ADDR"] = self.client(remote, environ.get("HTTP_X_FORWARDED_FOR", ""))
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
        return self.app(environ, start_response)
