"""Languages (issue 13): `lang` parsed once, catalogs complete, the language part of every cache
key, pages and embeds in the chosen language."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from dashboard import i18n
from dashboard.app import app
from dashboard.charts.registry import CHARTS
from dashboard.charts.render import render

ROOT = Path(__file__).parent.parent
KEYWORDS = {"_": None, "N_": None, "gettext": (2,)}


def extracted() -> set[str]:
    """Every msgid `pybabel extract -F babel.cfg` finds now (same mapping, same keywords)."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    return {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS
        )
        if isinstance(message, str) and message
    }


@pytest.fixture(scope="module")
def msgids() -> set[str]:
    return extracted()


def test_extraction_finds_the_chrome_titles_and_nav(msgids) -> None:
    assert {"Source", "as of %(date)s", "Data table", "Embed", "Download", "Upper Lars"} <= msgids
    assert {chart.title for chart in CHARTS.values()} <= msgids
    assert len(msgids) > 60


@pytest.mark.parametrize("lang", ["hy", "ru"])
def test_every_msgid_is_translated_in_each_catalog(msgids, lang) -> None:
    path = ROOT / "dashboard" / "locale" / lang / "LC_MESSAGES" / "messages.po"
    catalog = read_po(io.BytesIO(path.read_bytes()), locale=lang)
    by_id = {m.id: m for m in catalog if m.id}
    missing = sorted(m for m in msgids if m not in by_id)
    empty = sorted(m for m in msgids if m in by_id and not by_id[m].string)
    fuzzy = sorted(m for m in msgids if m in by_id and by_id[m].fuzzy)
    assert not missing, f"{lang}: not in the catalog (run `make locale`): {missing}"
    assert not empty, f"{lang}: untranslated: {empty}"
    assert not fuzzy, f"{lang}: fuzzy: {fuzzy}"


def test_parse_lang_falls_back_to_english() -> None:
    assert [i18n.parse_lang(v) for v in ("hy", "RU", " en ", "de", "", None, ["ru"], "hy-AM")] == [
        "hy",
        "ru",
        "en",
        "en",
        "en",
        "en",
        "ru",
        "en",
    ]


def test_translation_and_locale_formats() -> None:
    assert i18n.gettext("hy", "Upper Lars") == "Վերին Լարս"
    assert i18n.gettext("ru", "Upper Lars") == "Верхний Ларс"
    assert i18n.gettext("en", "Upper Lars") == "Upper Lars"
    assert (
        i18n.gettext("ru", "a sentence that is not a message") == "a sentence that is not a message"
    )
    assert i18n.number(12345.6, "ru") == "12\xa0345,6" and i18n.number(12345.6, "en") == "12,345.6"
    assert i18n.separators("en") == ".," and i18n.separators("hy")[0] == ","
    assert i18n.day("2025-03-04", "ru") == "4 мар. 2025\u202fг."  # CLDR: narrow no-break space
    assert i18n.day("2025-03-04", "en") == "Mar 4, 2025"
    assert i18n.day("2024", "hy") == "2024"  # a year alone stays a year


def test_a_render_in_armenian_differs_and_each_language_is_cached_apart(dash_store) -> None:
    chart = CHARTS["electricity_mix"]
    english = render(chart, {})
    armenian = render(chart, {"lang": "hy"})
    assert english.key != armenian.key and armenian.lang == "hy"
    assert english.spec["layout"].get("separators") is None
    assert armenian.spec["layout"]["separators"].startswith(",")
    assert render(chart, {"lang": "hy"}).key == armenian.key  # a hit, not a rebuild
    assert render(chart, {"lang": "xx"}).key == english.key  # unknown -> English, same entry


def test_embed_in_english_and_armenian_differ_and_each_is_cached(dash_store) -> None:
    client = app.server.test_client()
    english = client.get("/embed/electricity_mix")
    armenian = client.get("/embed/electricity_mix?lang=hy")
    assert english.status_code == armenian.status_code == 200
    assert english.headers["ETag"] != armenian.headers["ETag"]
    hy_html = armenian.get_data(as_text=True)
    assert '<html lang="hy">' in hy_html and "Էլեկտրաէներգիայի արտադրությունն" in hy_html
    assert "Electricity generation by source" not in hy_html
    assert "Electricity generation by source" in english.get_data(as_text=True)
    for url, response in (
        ("/embed/electricity_mix", english),
        ("/embed/electricity_mix?lang=hy", armenian),
    ):
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304  # each language has its own cached entry and tag


def test_kpi_card_follows_lang(dash_store) -> None:
    client = app.server.test_client()
    ru = client.get("/embed/kpi/upper_lars_status?lang=ru")
    en = client.get("/embed/kpi/upper_lars_status")
    assert ru.status_code == en.status_code == 200
    assert '<html lang="ru">' in ru.get_data(as_text=True)
    assert "Пункт пропуска Верхний Ларс" in ru.get_data(as_text=True)
    assert ru.headers["ETag"] != en.headers["ETag"]


def test_a_page_in_armenian_has_html_lang_and_armenian_nav(dash_store) -> None:
    client = app.server.test_client()
    page = client.get("/trade?lang=hy").get_data(as_text=True)
    assert '<html lang="hy">' in page
    assert '<html lang="en">' in client.get("/trade?lang=klingon").get_data(as_text=True)
    layout = client.get("/_dash-layout", headers={"Referer": "http://localhost/trade?lang=hy"})
    text = json.dumps(layout.get_json(), ensure_ascii=False)
    assert "Առևտուր" in text and "/trade?lang=ru" in text  # nav in Armenian, switcher here


def test_chart_callback_answers_in_the_page_language(dash_store) -> None:
    """A control change on an Armenian page: the hidden `lang` control is among the inputs, so
    the refreshed "as of" line and source line stay Armenian."""
    from dashboard.pages._callbacks import control_query

    query = control_query(["2015", "hy"], [{"name": "from"}, {"name": "lang"}])
    rendered = render(CHARTS["electricity_mix"], query)
    assert rendered.lang == "hy"
    from dashboard.data.freshness import of_render
    from dashboard.pages._components import source_line, subtitle

    line = subtitle(of_render(rendered.reads, rendered.frame), rendered.lang)
    assert "դրությամբ" in str(line) and "Աղբյուր" in str(source_line(rendered.reads, "hy"))


def test_as_of_puts_the_date_where_each_language_wants_it(dash_store) -> None:
    """One message with a placeholder, so Armenian can put the date before the word."""
    from dashboard.data.freshness import Freshness
    from dashboard.pages._components import subtitle

    fresh = Freshness("2026-11-03", None, stale=[("worldbank", "2026-10-01")], failed=[])
    lines = {
        lang: "".join(c if isinstance(c, str) else str(c.children) for c in subtitle(fresh, lang))
        for lang in ("en", "hy", "ru")
    }
    assert "as of Nov 3, 2026" in lines["en"] and "worldbank stale since Oct 1, 2026" in lines["en"]
    assert "2026 թ. նոյ 3-ի դրությամբ" in lines["hy"]  # the date, then "as of"
    assert "հնացած է 2026 թ. հոկ 1-ից" in lines["hy"]
    assert "по состоянию на 3 нояб. 2026\u202fг." in lines["ru"]
    assert "устарело с 1 окт. 2026\u202fг." in lines["ru"]
    embed = app.server.test_client().get("/embed/electricity_mix?lang=hy").get_data(as_text=True)
    assert re.search(r"\d-ի դրությամբ", embed) and "դրությամբ 20" not in embed


def test_kpi_cards_in_armenian_on_the_overview_and_as_embeds(dash_store) -> None:
    """The overview's KPI cards and the KPI embed: title, "as of", "source" in the language."""
    from plotly.utils import PlotlyJSONEncoder

    from dashboard.charts import kpis
    from dashboard.pages import overview

    with app.server.test_request_context("/?lang=hy"):
        cards = json.dumps(overview.kpi_row("hy"), cls=PlotlyJSONEncoder, ensure_ascii=False)
    kpi = kpis.BY_ID["upper_lars_status"]
    assert i18n.gettext("hy", kpi.title) in cards and kpi.title not in cards
    assert "աղբյուր" in cards and re.search(r"\d-ի դրությամբ", cards)
    assert '"source"' not in cards and "as of 20" not in cards
    english = json.dumps(overview.kpi_row(), cls=PlotlyJSONEncoder, ensure_ascii=False)
    assert kpi.title in english and '"source"' in english
    assert re.search(r"as of [A-Z][a-z]{2} \d{1,2}, 20\d\d", english)  # Babel's date, as on charts
    embed = app.server.test_client().get("/embed/kpi/upper_lars_status?lang=hy")
    text = embed.get_data(as_text=True)
    assert re.search(r"\d-ի դրությամբ", text) and "as of 20" not in text


def test_figure_series_named_after_countries_take_cldr_names() -> None:
    """Trace names: a catalog message is translated, a CLDR country name takes the language's
    name for the country, anything else (data text) stays as it is."""
    spec = {
        "data": [
            {"name": "Russia"},
            {"name": "Trucks per day"},
            {"name": "Gazprom"},
            {"name": "United Arab Emirates"},
        ],
        "layout": {},
    }
    ru = i18n.localize_figure(json.loads(json.dumps(spec)), "ru")
    assert [t["name"] for t in ru["data"]] == ["Россия", "Грузовиков в сутки", "Gazprom", "ОАЭ"]
    hy = i18n.localize_figure(json.loads(json.dumps(spec)), "hy")
    assert hy["data"][0]["name"] == "Ռուսաստան"
    assert i18n.localize_figure(json.loads(json.dumps(spec)), "en") == spec
