"""Loaded by test subprocesses (PYTHONPATH): any non-loopback connection fails loudly."""

import ipaddress
import socket

_real_connect = socket.socket.connect


def _guarded(self, address):  # type: ignore[no-untyped-def]
    host = address[0] if isinstance(address, tuple) else None
    if host not in (None, "localhost", ""):
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise AssertionError(f"test subprocess tried to reach the network: {address!r}")
    return _real_connect(self, address)


socket.socket.connect = _guarded  # type: ignore[method-assign]
