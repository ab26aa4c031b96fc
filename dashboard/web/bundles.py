"""Which plotly.js bundle a page loads (issue 15): none on pages without charts (`/sources`,
`/changes`, the not-found page), plotly.js's `geo` partial bundle on pages with a map, its
`basic` bundle everywhere else. Used by the app's index (`dashboard.app`).

Dash would load every `.js` under `assets/` on every page, and dcc.Graph fetches Dash's full
plotly.js (`_dash-component-suites/plotly/package_data/plotly.min.js`) when no `window.Plotly`
exists. So the bundles are kept out of Dash's automatic assets (`ASSETS_IGNORE`), the index of a
page with charts names the one it needs (`script_tag`), and `assets/pp-charts.js` covers
navigation inside the page (Dash Pages): it points dcc.Graph's loader at our basic or geo bundle
and turns a link to a map page into a full load when the geo bundle is not loaded yet.
The bundles are served fingerprinted and immutable by `dashboard.web.embed_static`, the same
files (and browser-cache entries) as the embeds'.
"""

from __future__ import annotations

import json
from html import escape

import dash

from dashboard.charts.registry import for_page
from dashboard.web.embed_static import STATIC

BASIC, GEO = "basic", "geo"
FILES = {BASIC: "plotly-basic-4.1.1.min.js", GEO: "plotly-geo-4.1.1.min.js"}
ASSETS_IGNORE = r"plotly-[\w.-]*\.js$"  # the bundles under assets/vendor: never on every page


def url(kind: str) -> str:
    return f"/embed/static/{STATIC[FILES[kind]]}"


def _normal(path: str) -> str:
    return path.rstrip("/") or "/"


def page_bundles() -> dict[str, str]:
    """Path of every registered page with charts -> the bundle it needs (pages without charts
    are absent)."""
    out: dict[str, str] = {}
    for page in dash.page_registry.values():
        charts = for_page(page["module"].rsplit(".", 1)[-1])
        if charts:
            out[_normal(page["path"])] = GEO if any(c.geo for c in charts) else BASIC
    return out


def bundle_for(path: str) -> str | None:
    """`basic`, `geo` or None (no charts, or no such page) for a page path."""
    return page_bundles().get(_normal(path))


def script_tag(path: str) -> str:
    """The <script> of the bundle the page at `path` needs, or nothing."""
    kind = bundle_for(path)
    return f'<script src="{url(kind)}"></script>' if kind else ""


def meta_tag(path: str) -> str:
    """What `assets/pp-charts.js` needs to know: the bundles' URLs, the map pages and which
    bundle this index loaded."""
    maps = sorted(p for p, kind in page_bundles().items() if kind == GEO)
    info = {BASIC: url(BASIC), GEO: url(GEO), "maps": maps, "loaded": bundle_for(path) or ""}
    content = escape(json.dumps(info, separators=(",", ":")), quote=True)
    return f'<meta name="pp-plotly" content="{content}">'
