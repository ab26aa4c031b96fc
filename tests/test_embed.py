"""Embeds, images, KPI cards and oEmbed; headers per route (who may frame what)."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from dashboard.app import app
from dashboard.charts import kpis
from dashboard.charts.kpis import KPIS
from dashboard.charts.registry import CHARTS
from dashboard.data import door
from dashboard.web import renderer
from tests.conftest import IN_CI

HAS_CHROMIUM = bool(shutil.which("chromium") or os.path.exists("/usr/bin/chromium"))


@pytest.fixture
def client(dash_store):  # type: ignore[no-untyped-def]
    return app.server.test_client()


def test_app_pages_refuse_framing_and_set_security_headers(client) -> None:
    response = client.get("/energy")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "unsafe-eval" not in csp
    assert re.search(r"script-src 'self'( 'sha256-[^']+')+", csp)
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Set-Cookie" not in response.headers


def test_embeds_allow_framing_from_the_configured_ancestors(client, monkeypatch) -> None:
    response = client.get("/embed/gas_border_price")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]  # no inline JS
    monkeypatch.setenv("EMBED_FRAME_ANCESTORS", "https://news.example")
    again = client.get("/embed/gas_border_price")
    assert "frame-ancestors https://news.example" in again.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in again.headers


def test_embed_page_carries_title_asof_source_and_a_link_back(client) -> None:
    html = client.get("/embed/electricity_mix?lang=ru&theme=dark").get_data(as_text=True)
    assert "<h1>Производство электроэнергии по источникам</h1>" in html
    assert "по состоянию на" in html and 'lang="ru"' in html and 'data-theme="dark"' in html
    assert "/sources#electricity_mix" in html and "#card-electricity_mix" in html
    assert re.search(r'src="/embed/static/plotly-basic-4\.1\.1\.min\.[0-9a-f]{10}\.js"', html)
    assert '<script type="application/json" id="pp-figure">' in html
    assert "</script><" in html and "<\\/" not in html
    plain = client.get("/embed/electricity_mix?plain=1").get_data(as_text=True)
    assert "<h1>" not in plain and "<footer>" not in plain


def test_geo_charts_get_the_geo_bundle(client) -> None:
    geo = [c for c in CHARTS.values() if c.geo]
    assert geo, "the registry has map charts"
    html = client.get(f"/embed/{geo[0].id}").get_data(as_text=True)
    assert "plotly-geo-4.1.1.min." in html


def test_static_files_are_cached_for_a_year(client) -> None:
    html = client.get("/embed/gas_border_price").get_data(as_text=True)
    path = re.search(r'src="(/embed/static/embed\.[0-9a-f]+\.js)"', html).group(1)
    response = client.get(path)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert client.get("/embed/static/embed.js").status_code == 404  # only fingerprinted names


def test_unknown_chart_and_bad_version_are_clear_errors(client) -> None:
    missing = client.get("/embed/nope")
    assert missing.status_code == 404 and "No chart &#x27;nope&#x27;" in missing.get_data(
        as_text=True
    )
    bad = client.get("/embed/gas_border_price?version=abc")
    assert bad.status_code == 400 and "version" in bad.get_data(as_text=True)
    foreign = client.get("/embed/gas_border_price?version=999999")
    assert foreign.status_code == 400


def test_frozen_embed_serves_the_pinned_version(client, dash_store) -> None:
    version = dash_store.current_version("gas_prices").id
    frozen = client.get(f"/embed/gas_border_price?version={version}")
    assert frozen.status_code == 200
    other = dash_store.current_version("places").id
    wrong = client.get(f"/embed/gas_border_price?version={other}")
    assert wrong.status_code == 400 and "places" in wrong.get_data(as_text=True)


@pytest.mark.parametrize("kpi_id", [k.id for k in KPIS])
def test_kpi_cards(kpi_id, client) -> None:
    html = client.get(f"/embed/kpi/{kpi_id}")
    assert html.status_code == 200 and b"<script" not in html.data
    assert b"Source:" in html.data
    svg = client.get(f"/embed/kpi/{kpi_id}.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<svg")
    assert b'width="360" height="150"' in svg.data
    assert client.get("/embed/kpi/nope").status_code == 404


def test_oembed_for_embeds_and_pages(client) -> None:
    body = client.get("/oembed?url=http://localhost/embed/gas_border_price?from=2015").get_json()
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["title"] == "Russian gas price at the Armenian border"
    assert '<iframe src="http://localhost/embed/gas_border_price?from=2015"' in body["html"]
    assert 'loading="lazy"' in body["html"] and body["width"] <= 640
    small = client.get("/oembed?url=http://localhost/energy&maxwidth=300&maxheight=200")
    assert small.get_json()["width"] == 300 and small.get_json()["height"] == 200
    kpi = client.get("/oembed?url=http://localhost/embed/kpi/euma_patrols").get_json()
    assert kpi["title"] == "EUMA patrols to date"


@pytest.mark.parametrize(
    ("query", "status", "parameter"),
    [
        ("", 400, "url"),
        ("?url=http://localhost/nothing", 404, "url"),
        ("?url=https://elsewhere.example/embed/gas_border_price", 404, "url"),
        ("?url=http://localhost/energy&maxwidth=wide", 400, "maxwidth"),
        ("?url=http://localhost/energy&format=xml", 501, "format"),
    ],
)
def test_oembed_errors_are_json(query, status, parameter, client) -> None:
    response = client.get("/oembed" + query)
    assert response.status_code == status
    assert response.get_json()["parameter"] == parameter


def test_every_page_has_an_oembed_discovery_link(client) -> None:
    html = client.get("/trade").get_data(as_text=True)
    assert 'type="application/json+oembed"' in html
    assert "oembed?url=http%3A%2F%2Flocalhost%2Ftrade" in html


@pytest.fixture
def needs_chromium() -> None:
    if not HAS_CHROMIUM:
        if IN_CI:
            pytest.fail("Chromium is required for static exports in CI")
        pytest.skip("no Chromium for kaleido")


@pytest.mark.browser
def test_static_embed_and_images(client, needs_chromium) -> None:
    """Real kaleido and Chromium, in the renderer (drawn in this process, outside requests)."""
    asked = (
        "/embed/gas_border_price?static=1",
        "/embed/gas_border_price.svg?width=640",
        "/embed/electricity_mix.png",
    )
    for path in asked:
        assert client.get(path).status_code == 503  # not drawn yet: queued
    assert renderer.render_pending() == 3
    static = client.get("/embed/gas_border_price?static=1")
    assert static.status_code == 200, static.get_data(as_text=True)
    assert b"<script" not in static.data and b"<svg" in static.data
    assert "script-src 'self'" in static.headers["Content-Security-Policy"]
    svg = client.get("/embed/gas_border_price.svg?width=640")
    assert svg.mimetype == "image/svg+xml" and b'width="640"' in svg.data[:600]
    png = client.get("/embed/electricity_mix.png")
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png.data[16:20], "big")
    assert width == 1600  # 800 px at scale 2
    assert client.get("/embed/gas_border_price.png?width=5").status_code == 400


def test_images_never_export_on_a_request_and_say_why_they_wait(client, monkeypatch) -> None:
    import plotly.io as pio

    def no_browser(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("kaleido called on a web request")

    monkeypatch.setattr(pio, "to_image", no_browser)
    response = client.get("/embed/wheat_imports_chart_does_not_exist.svg")
    assert response.status_code == 404
    chart = next(iter(CHARTS))
    response = client.get(f"/embed/{chart}.svg?from=2011")
    assert response.status_code == 503 and response.mimetype == "text/plain"
    assert "being rendered" in response.get_data(as_text=True)
    assert response.headers["Retry-After"]


def test_the_renderer_logs_a_failed_export_and_drops_the_request(
    client, monkeypatch, caplog
) -> None:  # type: ignore[no-untyped-def]
    import plotly.io as pio

    def no_browser(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("Kaleido requires Google Chrome to be installed")

    monkeypatch.setattr(pio, "to_image", no_browser)
    chart = next(iter(CHARTS))
    assert client.get(f"/embed/{chart}.svg?from=2011").status_code == 503
    assert renderer.render_pending() == 0
    assert "Chrome" in caplog.text and door.queued_artifacts() == []
    assert client.get(f"/embed/{chart}.svg?from=2011").status_code == 503  # asked again: queued


def test_kpi_records_the_dataset_its_number_comes_from(dash_store) -> None:
    for kpi in KPIS:
        value, reads, _key = kpis.value_of(kpi)
        assert value is not None, kpi.id
        assert value.dataset in reads.present(), kpi.id
        assert reads.versions()[value.dataset] == dash_store.current_version(value.dataset).id


def test_days_since_card_is_not_served_from_yesterdays_cache(client, monkeypatch) -> None:
    import datetime as real

    from dashboard.web import embed_kpi

    first = client.get("/embed/kpi/days_since_clash.svg").data

    class Tomorrow(real.date):
        @classmethod
        def today(cls):  # type: ignore[no-untyped-def]
            return real.date.today() + real.timedelta(days=1)

    monkeypatch.setattr(embed_kpi, "date", Tomorrow)
    monkeypatch.setattr(kpis, "date", Tomorrow)
    second = client.get("/embed/kpi/days_since_clash.svg").data
    assert first != second
