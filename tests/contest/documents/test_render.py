"""The PDF machinery: only data: URIs are fetched, every character is drawn by a real glyph
(or the document is refused), and the general entry point renders any PDF template."""

from __future__ import annotations

import re

import pytest

from competition.pdf import render
from competition.pdf.render import MissingGlyphs, UnsafeResource, html_to_pdf
from tests.support.pdf import embedded_fonts, fonts_with, pdf_text

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<style>body {{ font-family: "Noto Serif CJK SC", serif; }}</style></head>
<body><p>{body}</p></body></html>"""
PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.mark.parametrize(
    "body",
    [
        '<img src="file:///etc/passwd">',
        '<img src="http://127.0.0.1:9/x.png">',
        '<img src="https://example.com/logo.png">',
        '<link rel="stylesheet" href="file:///etc/hostname">',
    ],
)
def test_file_and_remote_urls_are_refused(app, body):
    with app.app_context(), pytest.raises(UnsafeResource):
        html_to_pdf(PAGE.format(body=body))


def test_data_uris_are_embedded(app):
    with app.app_context():
        pdf = html_to_pdf(PAGE.format(body=f'数据<img src="{PIXEL}">'))
    assert pdf.startswith(b"%PDF") and "数据" in pdf_text(pdf)


def test_rare_characters_come_from_the_serif_face(app):
    with app.app_context():
        pdf = html_to_pdf(PAGE.format(body="吕𠮷祥 王堃 赵喆 钱燚"))
    assert "吕𠮷祥王堃赵喆钱燚" in re.sub(r"\s+", "", pdf_text(pdf))
    for character in "𠮷堃喆燚":
        assert any("Serif-CJK-SC" in name for name in fonts_with(pdf, character)), character


def test_a_character_the_serif_face_lacks_falls_back_to_another_installed_face(app):
    # U+9FEB is in Noto Sans CJK but not in Noto Serif CJK: it must come from the sans face,
    # drawn by a glyph of its own, never as an empty box.
    assert 0x9FEB not in render.serif_coverage()
    with app.app_context():
        pdf = html_to_pdf(PAGE.format(body="张鿫明"))
    assert "张鿫明" in re.sub(r"\s+", "", pdf_text(pdf))
    holders = fonts_with(pdf, "鿫")
    assert holders and all("Serif" not in name for name in holders), embedded_fonts(pdf).keys()


def test_a_character_no_installed_face_has_is_refused_with_its_name(app):
    with app.app_context(), pytest.raises(MissingGlyphs) as info:
        html_to_pdf(PAGE.format(body="王\U00030000"))
    assert "U+30000" in info.value.message
    assert info.value.status == 500 and info.value.code == "missing_glyphs"


def test_render_pdf_is_the_general_entry_point(app):
    from competition.contest.documents.sheets import Sheet

    sheet = Sheet(
        contest="竞赛",
        event="数控铣工",
        group="职工组",
        round_name="决赛",
        unit=None,
        component="技能操作",
        max_score="100.00",
        lower_is_better=False,
        numbers=("001", "002"),
        judges=(),
        chief=None,
    )
    with app.app_context():
        pdf = render.render_pdf(
            "contest/pdf/score_sheets.html", {"sheets": [sheet], "blank_judges": 3}
        )
    text = re.sub(r"\s+", "", pdf_text(pdf))
    assert "数控铣工（职工组）决赛评分表" in text and "001" in text and "002" in text


def test_the_fast_subsetter_is_in_use():
    """HarfBuzz subsets the CJK face in ~0.1 s; fontTools (the fallback) takes ~7 s."""
    assert render.subsetter() == "harfbuzz"
