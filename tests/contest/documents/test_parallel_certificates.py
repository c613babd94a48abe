"""Certificates laid out by several processes and written to disk (issue #22): the same pages
as one process makes, one PDF joined from parts, or one PDF per unit in a ZIP."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from competition.contest.documents import certificates as certificate_docs
from competition.contest.services import certificates as certificate_service
from competition.extensions import db
from competition.models import Event
from competition.pdf import parallel
from tests.contest.documents.helpers import published_final
from tests.contest.documents.test_certificates import serials
from tests.support.pdf import pdf_text

BASE = "https://contest.example.org"


def _batch(app, client):
    final = published_final(app, client)
    with app.app_context():
        event = db.session.get(Event, final.event_id)
        batch = [(c.unit, c.serial) for c in certificate_service.certificates_to_print(event, None)]
        db.session.commit()
    return final, batch


def _write(app, event_id: int, target: Path, layout: str, processes: int, parts: list[int]):
    with app.app_context():
        event = db.session.get(Event, event_id)
        batch = certificate_service.certificates_to_print(event, None)
        original = parallel.part_size
        parallel.part_size = lambda count, processes: 2  # several parts even for 7 people
        try:
            return certificate_docs.write_certificates(
                event, batch, target, layout, BASE, processes, parts.append
            )
        finally:
            parallel.part_size = original


@pytest.mark.slow
def test_two_processes_make_the_pages_one_process_makes(app, client, tmp_path):
    final, _ = _batch(app, client)
    one, two, parts = tmp_path / "one.pdf", tmp_path / "two.pdf", []
    with app.app_context():
        event = db.session.get(Event, final.event_id)
        direct = certificate_docs.event_certificates_pdf(event, None, BASE)
    name = _write(app, final.event_id, one, certificate_docs.SINGLE, 1, [])
    assert name == f"certificates-event-{final.event_id}.pdf"
    _write(app, final.event_id, two, certificate_docs.SINGLE, 2, parts)
    assert parts == [2, 2, 2, 1]  # progress part by part, 7 certificates in all
    text = pdf_text(two.read_bytes())
    assert text == pdf_text(one.read_bytes()) == pdf_text(direct)
    assert len(serials(text)) == len(final.ranked)
    assert serials(text) == serials(pdf_text(direct))  # same serials, same (rank) order
    assert "吕𠮷祥 同志" in text and "荣 誉 证 书" in text
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed into place


def test_one_pdf_per_unit_in_a_zip(app, client, tmp_path):
    final, batch = _batch(app, client)
    target = tmp_path / "units.zip"
    name = _write(app, final.event_id, target, certificate_docs.PER_UNIT, 1, [])
    assert name == f"certificates-event-{final.event_id}.zip"
    by_unit: dict[str, list[str]] = {}
    for unit, serial in batch:
        by_unit.setdefault(unit, []).append(serial)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert names == [parallel.safe_file_name(unit) + ".pdf" for unit in by_unit]
        for (unit, expected), member in zip(by_unit.items(), names, strict=True):
            text = pdf_text(archive.read(member))
            assert serials(text) == expected, unit
            assert unit in text


def test_safe_file_names():
    taken: set[str] = set()
    assert parallel.safe_file_name("北京经开（一厂）", taken) == "北京经开（一厂）"
    assert parallel.safe_file_name("../a/b\\c:d*e?", taken) == "abc_d_e_"
    assert parallel.safe_file_name("北京经开（一厂）", taken) == "北京经开（一厂）-2"
    assert parallel.safe_file_name("..", taken) == "unit"
    assert parallel.safe_file_name("Full\nwidth", taken) == "Fullwidth"
    assert len(parallel.safe_file_name("长" * 200)) == 80


def test_joined_parts_keep_every_page_and_the_title(app, client, tmp_path):
    """Parts written by WeasyPrint joined into one file that pdfinfo and pdftotext read."""
    final, _ = _batch(app, client)
    with app.app_context():
        event = db.session.get(Event, final.event_id)
        pdf = certificate_docs.event_certificates_pdf(event, None, BASE)
    part = tmp_path / "part.pdf"
    part.write_bytes(pdf)
    out = io.BytesIO()
    joiner = parallel.PdfJoiner(out)
    assert joiner.add(part) == len(final.ranked)
    assert joiner.add(part) == len(final.ranked)
    assert joiner.close() == 2 * len(final.ranked)
    joined = out.getvalue()
    assert pdf_text(joined) == pdf_text(pdf) * 2
    assert b"/Count %d" % (2 * len(final.ranked)) in joined
    with pytest.raises(ValueError):
        parallel.PdfJoiner(io.BytesIO()).close()


def test_part_sizes():
    assert parallel.part_size(500, 2) == 63
    assert parallel.part_size(10_000, 2) == parallel.PART_PAGES
    assert parallel.part_size(7, 1) == parallel.PART_PAGES_MIN
