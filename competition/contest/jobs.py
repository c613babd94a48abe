"""The contest's background jobs (issue #22): what a worker makes instead of a web request.

`certificates`: a final's whole batch of honour certificates. The serials are issued and
committed first, then the PDF is laid out, so a worker killed while laying out leaves the
serials in place and the next run prints the same ones (`certificates_to_print` issues only
what is not issued yet): never a second certificate for anybody.

`results` (a round's result notice) and `score_sheets` (its blank score sheets, every
component or one) write nothing: running them again simply makes the same file. Each is the
synchronous download's own implementation (`documents.downloads`), so the file is the same.
"""

from __future__ import annotations

import mmap
import os
import threading
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from competition.contest.documents import certificates as certificate_docs
from competition.contest.documents import downloads
from competition.contest.services import certificates as certificate_service
from competition.contest.services import contests as contest_service
from competition.contest.services import live_ranking
from competition.core import jobs
from competition.core.downloads import PDF
from competition.core.errors import Conflict, Forbidden, Invalid
from competition.extensions import db
from competition.models import Event, Job, Round, User
from competition.models.contests import FINAL

ZIP = "application/zip"
CERTIFICATES, RESULTS, SCORE_SHEETS = "certificates", "results", "score_sheets"
KINDS = (CERTIFICATES, RESULTS, SCORE_SHEETS)


def recent_jobs(event: Event, limit: int = 5) -> list[Job]:
    """The event's latest jobs, newest first: the certificates page links to each one's page
    (a batch started and left is found again there)."""
    return list(
        db.session.scalars(
            select(Job).where(Job.event_id == event.id).order_by(Job.id.desc()).limit(limit)
        )
    )


def start_certificates(
    event: Event, actor: User, base_url: str, layout: str = certificate_docs.SINGLE
) -> Job:
    """Queue the event's certificates batch, as one PDF or (`layout` per_unit) a ZIP of one
    PDF per unit; 409 now (not in the worker) when the final is not published or ranks
    nobody, as the synchronous certificates.pdf answers."""
    if layout not in certificate_docs.LAYOUTS:
        raise Invalid("未知的版式", {"layout": ["应为 single 或 per_unit"]})
    if certificate_service.certificate_count(event) == 0:  # 409 before publication
        raise Conflict("决赛没有可颁发证书的选手")
    db.session.rollback()  # nothing to keep: the worker issues
    params = {"base_url": base_url, "layout": layout}
    return jobs.create_job(CERTIFICATES, params, actor, event_id=event.id)


def start_document(
    kind: str, event: Event, actor: User, round_kind: str, component: str | None
) -> Job:
    """Queue a round's notice or score sheets; 404 for an unknown round and 422 (field
    `component`) for a component the event does not have, now rather than in the worker."""
    round_ = contest_service.get_round(event, round_kind)
    if component is not None and event.component(component) is None:
        keys = "、".join(c.key for c in event.components)
        raise Invalid(
            f"没有评分项“{component}”（本赛项的评分项：{keys}）",
            {"component": [downloads.UNKNOWN_COMPONENT]},
        )
    params = {"round": round_.kind, "component": component}
    return jobs.create_job(kind, params, actor, event_id=event.id)


def _document_job(job: Job) -> tuple[Event, Round, User]:
    event = contest_service.get_event(job.event_id or 0)
    round_ = contest_service.get_round(event, (job.params or {}).get("round", FINAL))
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    if actor is None:
        raise Forbidden("发起任务的账号已不存在")
    return event, round_, actor


@jobs.housekeeping
def _prune_ranking_changes(_app: Any) -> None:
    """The rankings' change log keeps each event's latest rows only (`live_ranking`)."""
    live_ranking.prune_changes()
    db.session.commit()


@jobs.handler(RESULTS)
def results_job(job: Job, progress: jobs.Progress) -> jobs.JobResult:
    event, round_, actor = _document_job(job)
    progress(0, 1)
    download = downloads.results_pdf(event, round_, actor)
    progress(1, 1)
    return jobs.JobResult(download.body, download.filename, download.mimetype)


@jobs.handler(SCORE_SHEETS)
def score_sheets_job(job: Job, progress: jobs.Progress) -> jobs.JobResult:
    event, round_, actor = _document_job(job)
    progress(0, 1)
    download = downloads.score_sheets_pdf(event, round_, actor, (job.params or {}).get("component"))
    progress(1, 1)
    return jobs.JobResult(download.body, download.filename, download.mimetype)


@jobs.handler(CERTIFICATES)
def certificates_job(job: Job, progress: jobs.Progress) -> jobs.JobResult:
    """The final's certificates, laid out by `PDF_PROCESSES` processes straight to a file
    (`params["layout"]`: one PDF, or one per unit in a ZIP). The serials are issued and
    committed before anything is laid out, so a rerun after a worker was killed prints the
    same ones."""
    event = contest_service.get_event(job.event_id or 0)
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    params: dict[str, Any] = job.params or {}
    layout = params.get("layout") or certificate_docs.SINGLE
    batch = certificate_service.certificates_to_print(event, actor)
    total = len(batch)
    db.session.commit()  # the serials survive a worker killed while laying out
    progress(0, total)
    done = [0]

    def laid_out(count: int) -> None:
        done[0] += count
        progress(min(done[0], total), total)

    folder = jobs.files_folder()
    target = folder / f".job-{job.id}-{os.getpid()}-{threading.get_ident()}.render"
    try:
        name = certificate_docs.write_certificates(
            event,
            batch,
            target,
            layout,
            params.get("base_url"),
            int(current_app.config.get("PDF_PROCESSES", 1)),
            laid_out,
        )
        body = _mapped(target)
    finally:
        target.unlink(missing_ok=True)  # the mapping keeps the bytes until it is dropped
    db.session.commit()
    progress(total, total)
    return jobs.JobResult(body, name, ZIP if name.endswith(".zip") else PDF)


def _mapped(path: Path) -> bytes:
    """The file's bytes as a read-only memory map, which `jobs.JobResult` takes where it
    takes bytes: the file is copied to the job's result from the page cache, never read
    whole into the worker's memory. (A `JobResult` naming a file to move into place would
    spare the copy: a hook for core/jobs.py.)"""
    with open(path, "rb") as source:
        return mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ)  # type: ignore[return-value]
