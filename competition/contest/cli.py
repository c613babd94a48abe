"""`flask --app wsgi certificates export EVENT_ID --out FILE.pdf`: a whole event's
certificates as one PDF, with a progress bar, for batches too big to wait for in a browser."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from competition.contest.documents import certificates as certificate_docs
from competition.contest.services import certificates as certificate_service
from competition.contest.services import contests as contest_service
from competition.core.errors import AppError
from competition.extensions import db

certificates_cli = AppGroup("certificates", help="Print honour certificates.")


@certificates_cli.command("export")
@click.argument("event_id", type=int)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The PDF file to write.",
)
@click.option(
    "--base-url",
    default=None,
    help="Public address of this site, for the QR codes (default: $PUBLIC_BASE_URL).",
)
def export(event_id: int, out: Path, base_url: str | None) -> None:
    """Write every ranked finalist's certificate of EVENT_ID, in rank order, to --out.

    Certificates not issued yet are issued (and committed) only once the whole file exists.
    """
    base_url = base_url or current_app.config.get("PUBLIC_BASE_URL")  # checked at start-up
    if not base_url:
        raise click.ClickException(
            "Set PUBLIC_BASE_URL or pass --base-url: each certificate's QR code carries the "
            "public verification address, e.g. https://contest.example.org/verify/<serial>."
        )
    started = time.perf_counter()
    try:
        event = contest_service.get_event(event_id)
        total = certificate_service.certificate_count(event)
        with click.progressbar(length=total, label="Laying out certificates") as bar:
            pdf = certificate_docs.event_certificates_pdf(
                event, None, base_url=base_url, progress=bar.update
            )
        out.write_bytes(pdf)
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    click.echo(
        f"Wrote {total} certificates to {out} ({len(pdf) / 1024:.0f} KiB) "
        f"in {time.perf_counter() - started:.1f} s."
    )
