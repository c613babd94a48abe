"""Warm start: a worker pays for its first PDF before it takes its first request.

Why: in a fresh process the first certificate cost 0.8-1.1 s where a warm one costs 0.1-0.15 s
(bench/warm_start.py). Nearly all of it is paid once per process: importing WeasyPrint (about
0.5 s: its CSS tables, Pango and HarfBuzz through cffi), the font configuration and the serif
face's cmap (`render.serif_coverage`), the trimmed user-agent stylesheet, Pillow and zxing-cpp
for the QR code and ornaments, compiling the Jinja templates, and the first layout of the CJK
face by Pango (about 0.1 s more than any later one). `warm_up` pays all of it by rendering one
certificate of made-up data with the real template, stylesheet and font, so the first
contestant to download theirs after a restart waits no longer than the next one. Two more
first-request costs go with it: SQLAlchemy configuring every mapper (about 70 ms, on the first
query of the process) and the frame's ornaments drawn in each contest's colours (about 40 ms a
pair of colours, then cached).

It writes nothing and issues nothing: the certificate is built from constants, rendered and
thrown away; the only read is the contests' colours. `gunicorn.conf.py` calls it in each worker
before the worker accepts its first request, when the app's `WARM_START` setting is on
(production's default; off in tests, which create hundreds of apps).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import Flask

logger = logging.getLogger(__name__)

#: Templates compiled at warm-up: every printed document's, so none is parsed on a request.
PDF_TEMPLATE_FOLDER = "contest/pdf/"
#: The latest contests whose colours are drawn at warm-up (the ornaments' cache holds 64 pairs).
ORNAMENT_CONTESTS = 16


@dataclass(frozen=True)
class WarmUp:
    """What a warm-up did: its PDF (kept so a test can read it back), the templates compiled."""

    seconds: float
    pdf: bytes
    templates: tuple[str, ...]
    #: Contests whose ornaments were drawn in their colours.
    contests: int = 0


def _sample_certificate() -> tuple[object, object]:
    """One certificate's view and style, in the default colours, with the characters a real
    one has (Chinese text, digits, Latin letters of the verification address)."""
    from competition.contest.documents.certificates import (
        CertificateStyle,
        CertificateView,
        issuer_line,
    )
    from competition.models.contests import DEFAULT_ACCENT_COLOUR, DEFAULT_PRIMARY_COLOUR
    from competition.pdf.formatting import place_text
    from competition.pdf.ornaments import gem_data_uri, ornament_data_uri, qr_data_uri

    # The default colours' gem and ornament are cached per colour pair (lru_cache): a contest
    # that keeps the defaults then gets them ready-drawn.
    style = CertificateStyle(
        primary=DEFAULT_PRIMARY_COLOUR,
        accent=DEFAULT_ACCENT_COLOUR,
        gem=gem_data_uri(DEFAULT_PRIMARY_COLOUR, DEFAULT_ACCENT_COLOUR),
        ornament=ornament_data_uri(DEFAULT_PRIMARY_COLOUR, DEFAULT_ACCENT_COLOUR),
    )
    url = "https://warm-up.invalid/verify/WARM-0001"
    issuers = ("职工技能竞赛组织委员会",)
    view = CertificateView(
        serial="WARM-0001",
        name="王伟",
        unit="预热测试单位 Warm-up Co., Ltd.",
        contest="第一届职工职业技能竞赛",
        theme="匠心筑梦 技能报国",
        event="数控铣工",
        group="职工组",
        place=1,
        place_text=place_text(1),
        tier="一等奖",
        wording="",
        issuers=issuers,
        issuer_lines=tuple(issuer_line(name) for name in issuers),
        date_text="二〇二六年一月一日",
        reissued_text=None,
        verify_url=url,
        qr=qr_data_uri(url),
    )
    return view, style


def warm_up(app: Flask) -> WarmUp:
    """Compile the printed documents' templates and render one certificate, then discard it.

    Raises whatever rendering raises (a missing font, say): the caller decides whether a
    worker that cannot print should still serve (gunicorn.conf.py logs it and serves).
    """
    from competition.contest.documents.certificates import CERTIFICATE_TEMPLATE
    from competition.pdf.render import render_html, render_pdf_parts

    started = time.perf_counter()
    with app.app_context():
        loader = app.jinja_env.loader
        names = tuple(
            name
            for name in (loader.list_templates() if loader is not None else [])
            if name.startswith(PDF_TEMPLATE_FOLDER)
        )
        for name in names:
            app.jinja_env.get_template(name)
        view, style = _sample_certificate()
        html = render_html(CERTIFICATE_TEMPLATE, {"certificates": [view], "style": style})
        pdf = render_pdf_parts([html])
        _configure_orm()
        colours = _contest_ornaments()
    seconds = time.perf_counter() - started
    logger.info(
        "printing warmed up in %.2f s (%d templates, %d contests' colours)",
        seconds,
        len(names),
        colours,
    )
    return WarmUp(seconds=seconds, pdf=pdf, templates=names, contests=colours)


def _configure_orm() -> None:
    """SQLAlchemy configures every mapper on the process's first query (about 70 ms here)."""
    from sqlalchemy.orm import configure_mappers

    from competition import models  # noqa: F401  (every mapper registered first)

    configure_mappers()


def _contest_ornaments() -> int:
    """Draw the ornaments of the latest contests' colours (`style_of` caches them per pair),
    so a contest with its own colours prints its first certificate as fast as the next.
    Returns how many contests were read; a database that does not answer yet costs nothing
    but the log line, since printing works without this."""
    from competition.contest.documents.certificates import style_of
    from competition.extensions import db
    from competition.models import Contest

    try:
        contests = db.session.scalars(
            db.select(Contest).order_by(Contest.id.desc()).limit(ORNAMENT_CONTESTS)
        ).all()
        for contest in contests:
            style_of(contest)
        return len(contests)
    except Exception:  # a missing table or a database down: the rest is warm all the same
        logger.warning("warm-up could not read the contests' colours", exc_info=True)
        return 0
    finally:
        db.session.remove()
