"""URL helpers for upstreams that hand back absolute URLs (download links, next-page links)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def rebase_url(url: str, base_url: str, default_base_url: str) -> str:
    """`url` moved from the public upstream onto `base_url`: same path below the base, same query.

    CKAN resource links and UCDP's `NextPageUrl` are absolute and name the public host. When
    `<ID>_BASE_URL` points at a mirror, proxy or test server, following them as given would leave
    it (and, for UCDP, send the token elsewhere), so the scheme and host are swapped for the base's.
    """
    parts, base, default = urlsplit(url), urlsplit(base_url), urlsplit(default_base_url)
    path = parts.path
    prefix = default.path.rstrip("/")
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix) :]
    return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + path, parts.query, ""))
