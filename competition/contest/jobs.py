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

from typing import Any

from sqlalchemy import select

from competition.contest.documents import certificates as certificate_docs
from competition.contest.documents import downloads
from competition.contest.services import certificates as certificate_service
from competition.contest.services import contests as contest_service
from competition.core import jobs
from competition.core.downloads import PDF
from competition.core.errors import Conflict, Forbidden, Invalid
from competition.extensions import db
from competition.models import Event, Job, Round, User
from competition.models.contests import FINAL

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


def start_certificates(event: Event, actor: User, base_url: str) -> Job:
    """Queue the event's certificates batch; 409 now (not in the worker) when the final is
    not published or ranks nobody, as the synchronous certificates.pdf answers."""
    if certificate_service.certificate_count(event) == 0:  # 409 before publication
        raise Conflict("决赛没有可颁发证书的选手")
    db.session.rollback()  # nothing to keep: the worker issues
    return jobs.create_job(CERTIFICATES, {"base_url": base_url}, actor, event_id=event.id)


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
    event = contest_service.get_event(job.event_id or 0)
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    params: dict[str, Any] = job.params or {}
    batch = certificate_service.certificates_to_print(event, actor)
    total = len(batch)
    db.session.commit()  # the serials survive a worker killed while laying out
    progress(0, total)
    done = [0]

    def laid_out(count: int) -> None:
        done[0] += count
        progress(min(done[0], total), total)

    body = certificate_docs.event_certificates_pdf(
        contest_service.get_event(event.id), actor, params.get("base_url"), laid_out
    )
    db.session.commit()
    progress(total, total)
    return jobs.JobResult(body, f"certificates-event-{event.id}.pdf", PDF)
