"""`flask certificates export`: a whole event's certificates, with a progress bar."""

from __future__ import annotations

from tests.contest.documents.helpers import published_final
from tests.support.pdf import page_count, pdf_text


def test_export_writes_every_certificate(app, client, runner, tmp_path):
    final = published_final(app, client)
    out = tmp_path / "certificates.pdf"
    result = runner.invoke(
        args=[
            "certificates",
            "export",
            str(final.event_id),
            "--out",
            str(out),
            "--base-url",
            "https://contest.example.org/",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 7 certificates" in result.output
    pdf = out.read_bytes()
    assert page_count(pdf) == 7
    assert "https://contest.example.org/verify/" in pdf_text(pdf, 1, 1)
    issued = final.org.get(f"/events/{final.event_id}/certificates")["certificates"]
    assert len(issued) == 7 and all(c["issued_at"] for c in issued)


def test_export_refusals(app, client, runner, tmp_path, monkeypatch):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    final = published_final(app, client, publish=False)
    out = tmp_path / "x.pdf"
    no_url = runner.invoke(args=["certificates", "export", str(final.event_id), "--out", str(out)])
    assert no_url.exit_code != 0 and "PUBLIC_BASE_URL" in no_url.output
    args = ["--out", str(out), "--base-url", "https://contest.example.org"]
    unpublished = runner.invoke(args=["certificates", "export", str(final.event_id), *args])
    assert unpublished.exit_code != 0 and "尚未发布" in unpublished.output
    unknown = runner.invoke(args=["certificates", "export", "999", *args])
    assert unknown.exit_code != 0 and "没有这个赛项" in unknown.output
    assert not out.exists()
    assert final.org.get(f"/events/{final.event_id}/certificates")["certificates"] == []


def test_export_takes_the_address_from_the_configuration(app, client, runner, tmp_path):
    """PUBLIC_BASE_URL as config.py read and checked it at start-up, not the raw variable."""
    final = published_final(app, client)
    app.config["PUBLIC_BASE_URL"] = "https://union.example.org"
    out = tmp_path / "certificates.pdf"
    result = runner.invoke(args=["certificates", "export", str(final.event_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "https://union.example.org/verify/" in pdf_text(out.read_bytes(), 1, 1)
