"""The trainee's file (职工匠师档案): every expert's score and comments on the trial lecture,
the panel's aggregated score, the band and the recommendation, with signature lines; one PDF
per trainee, or the whole cohort's in one.

Built only from `competition.reviews.services.cohort_results`, so the file says exactly what
the cohort table and the API say. The template gets plain data, never ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from competition.core import clock
from competition.models import Cohort, Trainee
from competition.models.types import utcnow
from competition.pdf.formatting import chinese_date, local_date, score
from competition.pdf.render import render_pdf
from competition.reviews import services as service

_ORDINALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class ItemLine:
    name: str
    weight: str
    score: str


@dataclass(frozen=True)
class ReviewLine:
    expert: str
    score: str
    items: tuple[ItemLine, ...]
    shortcomings: str
    suggestions: str


@dataclass(frozen=True)
class TraineeFileView:
    cohort: str
    host: str
    trainee: str
    unit: str
    title: str
    session: str
    score: str | None
    band: str | None
    recommended: bool | None
    rank: int | None
    ranked: int
    signed_on: str | None
    reviews: tuple[ReviewLine, ...]
    rubric: tuple[tuple[str, str], ...]
    panel: tuple[str, ...]
    lead: str | None
    printed_on: str


def _expert_label(index: int) -> str:
    return f"评审专家{_ORDINALS[index] if index < len(_ORDINALS) else index + 1}"


def _views(
    cohort: Cohort, trainees: list[Trainee] | None, with_names: bool
) -> list[TraineeFileView]:
    results = service.cohort_results(cohort)
    seats = service.panel(cohort)
    names = {s.user_id: s.user.display_name or s.user.username for s in seats}
    order = {s.user_id: n for n, s in enumerate(seats)}
    lead = next((names[s.user_id] for s in seats if s.is_lead), None)
    rubric = tuple((item.name, score(item.weight)) for item in cohort.rubric_items)
    item_names = {item.key: (item.name, score(item.weight)) for item in cohort.rubric_items}
    timezone = clock.zone_name()
    signed_on = chinese_date(local_date(cohort.signed_at, timezone)) if cohort.signed_at else None
    printed_on = chinese_date(local_date(utcnow(), timezone))
    if trainees is None:  # the whole cohort: ranked order, then those not reviewed yet
        ranked = [results.trainees[e.trainee_id] for e in results.ranking.ranked]
        trainees = ranked + [results.trainees[t] for t in results.ranking.unreviewed]
    views = []
    for trainee in trainees:
        entry = results.ranking.by_trainee.get(trainee.id)
        reviews = []
        for review in results.reviews[trainee.id]:
            position = order.get(review.expert_id, len(order))
            items = tuple(
                ItemLine(item_names[key][0], item_names[key][1], score(Decimal(str(value))))
                for key, value in (review.item_scores or {}).items()
                if key in item_names
            )
            reviews.append(
                ReviewLine(
                    expert=names.get(review.expert_id, "")
                    if with_names
                    else _expert_label(position),
                    score=score(review.score),
                    items=items,
                    shortcomings=review.shortcomings,
                    suggestions=review.suggestions,
                )
            )
        session = trainee.session
        views.append(
            TraineeFileView(
                cohort=cohort.name,
                host=cohort.host,
                trainee=trainee.name,
                unit=trainee.unit,
                title=trainee.title,
                session=f"{_iso(session.held_on)} {session.place}" if session else "",
                score=score(entry.score) if entry else None,
                band=results.label(entry.band) if entry else None,
                recommended=entry.recommended if entry else None,
                rank=entry.rank if entry else None,
                ranked=len(results.ranking.ranked),
                signed_on=signed_on,
                reviews=tuple(reviews),
                rubric=rubric,
                panel=tuple(names[s.user_id] for s in seats),
                lead=lead,
                printed_on=printed_on,
            )
        )
    return views


def _iso(day: date) -> str:
    return day.isoformat()


def trainee_file_pdf(cohort: Cohort, trainee: Trainee, with_names: bool = True) -> bytes:
    """One trainee's file. `with_names` False prints "评审专家一…" instead of the experts'
    names: the trainee reads the panel's comments, organisers keep who wrote which."""
    return render_pdf(
        "reviews/pdf/trainee_file.html", {"files": _views(cohort, [trainee], with_names)}
    )


def cohort_file_pdf(cohort: Cohort) -> bytes:
    """Every trainee's file in one PDF, in rank order, each starting on a new page."""
    return render_pdf("reviews/pdf/trainee_file.html", {"files": _views(cohort, None, True)})
