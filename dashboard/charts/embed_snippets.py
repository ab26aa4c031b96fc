"""The code a newsroom pastes: iframe, the auto-resize variant, image URLs; live or frozen."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from dashboard.charts.chart import Chart
from dashboard.i18n import DEFAULT, gettext, parse_lang

CHROME_HEIGHT = 120  # px of title, "as of" and source line around the chart in an embed


def embed_height(chart: Chart) -> int:
    return chart.height + CHROME_HEIGHT


def embed_url(
    origin: str,
    chart: Chart,
    options: dict,
    versions: dict[str, int] | None = None,
    suffix: str = "",
    lang: str = DEFAULT,
) -> str:
    """Absolute URL of a chart's embed (`suffix` ".svg"/".png" for images), in `lang`
    (`lang=hy|ru`; English, the default, adds nothing)."""
    query: dict[str, object] = {}
    for opt in chart.options:
        value = options.get(opt.name, opt.default)
        if value != opt.default:
            query[opt.name] = ("1" if value else "0") if isinstance(value, bool) else value
    if versions:
        query["version"] = ",".join(str(v) for _, v in sorted(versions.items()))
    if parse_lang(lang) != DEFAULT:
        query["lang"] = parse_lang(lang)
    qs = urlencode(query)
    return f"{origin.rstrip('/')}/embed/{chart.id}{suffix}" + (f"?{qs}" if qs else "")


def iframe(url: str, title: str, height: int) -> str:
    return (
        f'<iframe src="{escape(url)}" title="{escape(title)}" width="100%" '
        f'height="{height}" style="width:100%;border:0;" loading="lazy" '
        f'scrolling="no"></iframe>'
    )


# The newsroom's page listens for our height messages, then asks every frame for its height
# once: a chart drawn before this script ran (a CMS that defers scripts, a fast cache) has
# already posted its height, and would otherwise keep the iframe's initial height.
RESIZE_SCRIPT = (
    '<script>window.addEventListener("message",function(e){var d=e.data;'
    'if(!d||d.type!=="pressure-points:height")return;'
    'document.querySelectorAll("iframe").forEach(function(f){'
    'if(f.contentWindow===e.source){f.style.height=d.height+"px";}});});'
    'document.querySelectorAll("iframe").forEach(function(f){if(f.contentWindow)'
    'f.contentWindow.postMessage({type:"pressure-points:ping"},"*");});</script>'
)


def snippets(
    origin: str, chart: Chart, options: dict, versions: dict[str, int], lang: str = DEFAULT
) -> dict[str, str]:
    """Every snippet the Embed dialog offers, for the chart as currently filtered, in the
    language of the page it is copied from (an Armenian article gets the Armenian chart)."""
    live = embed_url(origin, chart, options, lang=lang)
    frozen = embed_url(origin, chart, options, versions, lang=lang)
    title, height = gettext(lang, chart.title), embed_height(chart)
    return {
        "iframe": iframe(live, title, height),
        "resize": iframe(live, title, height) + "\n" + RESIZE_SCRIPT,
        "frozen": iframe(frozen, title, height) + "\n" + RESIZE_SCRIPT,
        "png": embed_url(origin, chart, options, versions, ".png", lang),
        "svg": embed_url(origin, chart, options, versions, ".svg", lang),
    }
