"""Template → HTML string → PDF, with a URL fetcher that reaches nothing outside the document.

The one general entry point is `render_pdf(template_name, context)`: a Jinja template under
`templates/`, fed plain data (dataclasses, strings, numbers — never ORM objects), rendered to
an HTML string by Flask's Jinja environment (so `_()` translations work), then laid out and
written by WeasyPrint.  `render_pdf_parts` does the same for a big batch in parts, so a
command-line export can show progress, and still writes one PDF in one `write_pdf` call.

Safety: the fetcher accepts `data:` URIs only (the QR codes are embedded that way).  `file:`
would let a crafted document read files of the server, and a remote URL would make printing
depend on (and leak to) another host; either is refused and stops the rendering, so a template
mistake fails loudly instead of printing a certificate with a hole in it.

Fonts and speed (measured; see bench/documents.py): the PDFs are set in Noto Serif CJK SC from
Debian's `fonts-noto-cjk`, found through fontconfig.  The face is a 26 MB collection; what
costs time is cutting the embedded subset out of it at `write_pdf`.  WeasyPrint ≥ 63 does that
with HarfBuzz's subsetter (`libharfbuzz-subset`, HarfBuzz ≥ 4.1): about 0.08 s for a one-page
certificate.  Without that library it falls back to fontTools, which takes about 7 s for the
same page; a GB2312 subset prepared once brings fontTools down to about 0.8 s, still above the
0.3 s target, and its rare-character supplement must then be a second face whose glyphs
WeasyPrint keys by family name.  So the project relies on the HarfBuzz path (the Makefile
installs the library) and `subsetter()` reports which one is in use.

Every character must print as itself: before rendering, `missing_characters` checks the text
against the faces installed (the serif face first, then any face fontconfig knows).  A
character no installed face has would come out as an empty box, which on an honour certificate
is worse than no certificate, so rendering is refused with the characters named.
"""

from __future__ import annotations

import functools
import html as html_lib
import logging
import re
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from flask import render_template
from flask_babel import force_locale

from competition.core.errors import AppError

logger = logging.getLogger(__name__)

#: The face every PDF is set in, as fontconfig names it.
SERIF_FAMILY = "Noto Serif CJK SC"

# WeasyPrint and fontconfig are not documented as thread-safe; the development server and
# threaded WSGI servers may render two PDFs at once.  Rendering is CPU-bound under the GIL
# anyway, so one at a time costs nothing.
_render_lock = threading.Lock()
# One font configuration for the life of the process: building one (a Pango font map, the
# faces loaded and measured) costs about 0.1 s, a third of a warm certificate's budget.
_fonts: Any = None


class UnsafeResource(RuntimeError):
    """A template asked for a `file:`, remote or otherwise refused URL."""


class MissingGlyphs(AppError):
    """No installed font has some character of the document: refuse rather than print boxes."""

    status = 500

    def __init__(self, characters: Iterable[str]) -> None:
        listed = "、".join(f"{c}（U+{ord(c):04X}）" for c in characters)
        super().__init__(
            f"以下字符没有可用的字体，无法正确打印：{listed}。请在服务器上安装包含这些字的字体。",
            code="missing_glyphs",
        )


def _safe_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):
        """`data:` URIs only; anything else raises and, with `fail_on_errors`, stops rendering."""

        def __init__(self) -> None:
            super().__init__(
                allowed_protocols=("data",), allow_redirects=False, fail_on_errors=True
            )

    return DataOnlyFetcher()


def html_to_pdf(html: str) -> bytes:
    """Lay out and write one HTML document; the caller made `html` from a template."""
    return render_pdf_parts([html])


def render_html(template_name: str, context: Mapping[str, Any], locale: str = "zh") -> str:
    """A PDF template as an HTML string, in `locale` whatever the page's language: printed
    documents are official papers in Chinese (the source language) unless asked otherwise."""
    with force_locale(locale):
        return render_template(template_name, **context)


def render_pdf(template_name: str, context: Mapping[str, Any], locale: str = "zh") -> bytes:
    """The general entry point: `templates/<template_name>` with `context` → PDF bytes.

    Needs an app context (Flask's Jinja environment and the translations).  `context` holds
    plain data only; the template does no queries.
    """
    return html_to_pdf(render_html(template_name, context, locale))


def render_pdf_parts(parts: Iterable[str], progress: Callable[[int], None] | None = None) -> bytes:
    """Several HTML documents laid out one by one, then written as one PDF.

    Laying out in parts lets a long batch report progress (`progress(1)` after each part) and
    frees each part's HTML tree once its pages exist; the single `write_pdf` at the end embeds
    each font once for the whole file.  All parts, and all documents of the process, share
    one font configuration.
    """
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    global _fonts
    with _render_lock:
        fetcher = _safe_fetcher()
        if _fonts is None:
            _fonts = FontConfiguration()
        fonts = _fonts
        documents = []
        for part in parts:
            absent = missing_characters(part)
            if absent:
                raise MissingGlyphs(absent)
            try:
                document = _html_class()(string=part, url_fetcher=fetcher).render(font_config=fonts)
            except FatalURLFetchingError as error:
                # A BaseException in WeasyPrint; turned into an ordinary error so the app's
                # error handling (rollback, logging, the JSON error shape) sees it.
                raise UnsafeResource(str(error)) from error
            documents.append(document)
            if progress is not None:
                progress(1)
        if not documents:
            raise ValueError("nothing to render")
        pages = [page for document in documents for page in document.pages]
        return documents[0].copy(pages).write_pdf()


# ---------------------------------------------------------------- fonts and characters
_TAG = re.compile(r"<[^>]*>")
_IGNORED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Zs"}


def _text_characters(html: str) -> set[str]:
    """The characters a reader will see: text outside tags, entities decoded."""
    text = html_lib.unescape(_TAG.sub(" ", html))
    return {c for c in set(text) if unicodedata.category(c) not in _IGNORED_CATEGORIES}


def missing_characters(html: str) -> list[str]:
    """Characters of the document's text that no installed font can draw, in code point order."""
    covered = serif_coverage()
    return sorted(
        (c for c in _text_characters(html) if ord(c) not in covered and not _fontconfig_has(c)),
        key=ord,
    )


@functools.cache
def serif_face() -> tuple[Path, int]:
    """File and index (in a collection) of the serif face fontconfig gives for SERIF_FAMILY."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise RuntimeError("fontconfig's fc-match is missing; install fontconfig")
    out = subprocess.run(
        [fc_match, "--format=%{file}\n%{index}\n%{family}", SERIF_FAMILY],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.split("\n")
    path, index, family = Path(out[0]), int(out[1] or 0), out[2]
    if SERIF_FAMILY not in family.split(","):
        logger.warning(
            "%s is not installed (fontconfig offers %s instead); install fonts-noto-cjk",
            SERIF_FAMILY,
            family,
        )
    return path, index


@functools.cache
def serif_coverage() -> frozenset[int]:
    """Code points the serif face maps to a glyph (its cmap), read once per process."""
    from fontTools.ttLib import TTFont

    path, index = serif_face()
    font = TTFont(path, fontNumber=index, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


@functools.cache
def _fontconfig_has(character: str) -> bool:
    """Whether any installed face covers `character` (Pango would fall back to it)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    out = subprocess.run(
        [fc_list, f":charset={ord(character):x}", "family"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    return bool(out.strip())


def subsetter() -> str:
    """ "harfbuzz" when WeasyPrint subsets fonts with HarfBuzz (fast), else "fonttools" (about
    7 s a document with the CJK collection): the bench prints it next to its figures."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0):
        return "harfbuzz"
    return "fonttools"


# ---------------------------------------------------------------- the user-agent stylesheet
#: Rules of WeasyPrint's HTML user-agent stylesheet that every element of a document is tested
#: against (an attribute or pseudo-element selector with no element name) and that these
#: documents never need: `dir` attributes, `hidden`, footnotes and notes, form fields.
_UNUSED_UA_RULE = re.compile(
    r"^(\[dir|dd\[dir|:is\(dir, menu, ol, ul\)\[dir|:is\(colgroup|::footnote|::note|:is\(input)"
)


def trimmed_ua_css() -> str:
    """WeasyPrint's own user-agent stylesheet, less the rules no document here uses and every
    element pays for.

    Why: matching those rules (and working out a `::marker` and footnote style for every
    element) is about a fifth of the time of a 1,000-row result notice. Everything else is
    WeasyPrint's text as installed; `::marker` is narrowed to list items and `:link` to
    `a[href]`, which is where they apply in these documents. A test renders each document with
    both sheets and compares the pages pixel by pixel.
    """
    import weasyprint

    source = (Path(weasyprint.__file__).parent / "css" / "html5_ua.css").read_text("utf-8")
    lines = []
    for line in source.splitlines():
        if _UNUSED_UA_RULE.match(line):
            continue
        line = line.replace("[hidden], area,", "area,")
        if line.startswith(":link { color: blue }"):
            line = line.replace(":link", "a[href]", 1)
        elif line.startswith(":link, :visited, ins, u "):
            line = line.replace(":link, :visited, ", "a[href], ", 1)
        elif line.startswith("::marker "):
            line = "li" + line
        lines.append(line)
    return "\n".join(lines)


@functools.cache
def _html_class() -> Any:
    """WeasyPrint's `HTML` with the trimmed user-agent stylesheet (`trimmed_ua_css`).

    `_ua_stylesheets` is where WeasyPrint's `HTML` takes its user-agent stylesheet from. Should a
    later WeasyPrint rename it, documents come out the same, only slower; `tests/documents`
    checks the hook is still there.
    """
    from weasyprint import CSS, HTML

    sheet = CSS(string=trimmed_ua_css())

    class DocumentHTML(HTML):  # type: ignore[misc]
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [sheet]

    return DocumentHTML
