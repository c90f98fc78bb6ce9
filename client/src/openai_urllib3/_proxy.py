"""Proxy selection from ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``ALL_PROXY`` and ``NO_PROXY``.

Written here rather than taken from ``urllib.request`` because importing that module
costs more than the rest of this package together.
"""

from __future__ import annotations

from typing import Mapping

__all__ = ["bypasses_proxy", "proxy_for"]


def _env(environ: Mapping[str, str], name: str) -> str | None:
    # Lower case wins, as in curl and requests; an empty value means unset.
    value = environ.get(name.lower()) or environ.get(name.upper())
    return value.strip() if value and value.strip() else None


def _split_host(url: str) -> tuple[str, str, int | None]:
    scheme, _, rest = url.partition("://")
    authority = rest.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    if authority.startswith("["):
        host, _, port_part = authority[1:].partition("]")
        port_text = port_part[1:] if port_part.startswith(":") else ""
    else:
        host, _, port_text = authority.partition(":")
    port = int(port_text) if port_text.isdigit() else None
    return scheme.lower(), host.lower(), port


def bypasses_proxy(url: str, no_proxy: str | None) -> bool:
    """Whether ``NO_PROXY`` exempts ``url``: ``*``, host names (suffix match), ``host:port``, IPs and CIDR."""
    if not no_proxy:
        return False
    _, host, port = _split_host(url)
    for entry in (part.strip().lower() for part in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        entry_host, entry_port = entry, None
        if entry.count(":") == 1:
            entry_host, _, port_text = entry.partition(":")
            entry_port = int(port_text) if port_text.isdigit() else None
        if entry_port is not None and entry_port != port:
            continue
        entry_host = entry_host.strip("[]").lstrip(".")
        if "/" in entry_host:
            if _in_network(host, entry_host):
                return True
            continue
        if host == entry_host or host.endswith("." + entry_host.lstrip("*.")):
            return True
    return False


def _in_network(host: str, cidr: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def proxy_for(url: str, environ: Mapping[str, str]) -> str | None:
    """The proxy URL the environment asks for when requesting ``url``, or ``None``."""
    scheme, _, _ = _split_host(url)
    proxy = _env(environ, f"{scheme}_proxy") or _env(environ, "all_proxy")
    if proxy is None or bypasses_proxy(url, _env(environ, "no_proxy")):
        return None
    if "://" not in proxy:
        proxy = "http://" + proxy
    return proxy
