"""Theory results from an exam system, imported as one judge's marks: a preview, then all or none.

The theory exam is usually sat on a computer, and the exam system exports a results sheet
(准考证号 or 身份证号, 姓名, 理论成绩). Typing hundreds of those numbers again is where
mistakes come from, so the organiser imports the sheet instead.

Why the marks are a judge's: every mark in the system is one judge's mark of one contestant
(services.marks), and `marks.apply` is the one way a mark is written, with its rules (range,
two decimals, a finalist for the final, a published round or a signed sheet locked) and its
audit entry. An imported score is therefore the mark of the judge the organiser names on the
page (by default the chief judge, who answers for the theory results), written by
`marks.set_mark` with the organiser as the actor: the audit trail says who imported what in
whose name, and the judge's sheet shows the marks like any others, to be signed off as usual.

Rows are matched by contest number or identity number; the name, when the sheet has one, must
be the registered contestant's (a row matched to the wrong person is worse than no row). 缺考
or 弃权 in the score cell records an absence (services.absences), never a 0; a blank score is
reported and not imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from competition.contest import policy
from competition.contest.services import absences as absence_service
from competition.contest.services import contests as contest_service
from competition.contest.services import draw as draw_service
from competition.contest.services import marks as mark_service
from competition.core import audit, normalise
from competition.core import import_tables as tables
from competition.core.errors import Conflict, Invalid
from competition.core.i18n import N_
from competition.core.import_tables import Draft, Note, Skipped, note
from competition.extensions import db
from competition.models import (
    Component,
    Contestant,
    Event,
    Finalist,
    JudgeAssignment,
    Mark,
    Round,
    Sheet,
    User,
)
from competition.models.contests import FINAL
from competition.scoring.values import plain

SCORE = (
    "理论成绩",
    "成绩",
    "分数",
    "得分",
    "理论考试成绩",
    "理论知识成绩",
    "理论得分",
    "理论分数",
    "考试成绩",
    "卷面成绩",
    "卷面分",
    "总分",
    "score",
)
NO_HEADER = N_("找不到表头：文件的前几行中应有“参赛号”（或“准考证号”“身份证号”）和“成绩”两列")
SIGNED = N_("该评分表已由裁判长签字锁定；如需更改，须由组委会注明理由重新开放")


@dataclass(frozen=True)
class MarkRow:
    """One row of the results sheet: whose it is, and what the import would do with it."""

    line: int
    name: str  # as the sheet gives it, normalised
    number: str | None  # the registered contestant's number once matched
    contestant_id: int | None
    value: Decimal | None = None
    absence: str | None = None  # "absent" or "withdrawn"
    blank: bool = False  # no score: not imported
    problems: tuple[Note, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class MarksPreview:
    round_kind: str
    component_key: str
    component_name: str
    max_score: Decimal
    judge_id: int
    rows: tuple[MarkRow, ...]
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def bad_rows(self) -> tuple[MarkRow, ...]:
        return tuple(r for r in self.rows if not r.ok)

    @property
    def marks(self) -> tuple[MarkRow, ...]:
        return tuple(r for r in self.rows if r.value is not None)

    @property
    def absences(self) -> tuple[MarkRow, ...]:
        return tuple(r for r in self.rows if r.absence is not None)

    @property
    def blanks(self) -> tuple[MarkRow, ...]:
        return tuple(r for r in self.rows if r.blank)

    @property
    def can_store(self) -> bool:
        return not self.bad_rows and bool(self.marks or self.absences)


@dataclass
class _Draft(Draft):
    name: str = ""
    contestant: Contestant | None = None
    value: Decimal | None = None
    absence: str | None = None
    blank: bool = False

    @property
    def contestant_id(self) -> int | None:
        return None if self.contestant is None else self.contestant.id

    def freeze(self) -> MarkRow:
        return MarkRow(
            line=self.line,
            name=self.name,
            number=None if self.contestant is None else self.contestant.number,
            contestant_id=self.contestant_id,
            value=self.value,
            absence=self.absence,
            blank=self.blank,
            problems=tuple(self.problems),
            notes=tuple(self.notes),
        )


def markers(event: Event, round_kind: str | None = None) -> list[JudgeAssignment]:
    """The event's judges whose marks an import may be, the default first: the chief judge
    of the contest's own panel, then its other judges, then the units' committees (who may
    mark only the preliminary, and only their own people)."""
    assignments = db.session.scalars(
        select(JudgeAssignment)
        .where(JudgeAssignment.event_id == event.id)
        .order_by(JudgeAssignment.id)
    ).all()
    if round_kind is not None:
        assignments = [
            a for a in assignments if policy.marking_refusal(a.unit_id, round_kind) is None
        ]
    return sorted(assignments, key=lambda a: (a.unit_id is not None, not a.is_chief, a.id))


def _component(event: Event, key: str) -> Component:
    for component in event.components:
        if component.key == key:
            if component.scheme is not None:
                # Its marks are derived from item marks, never typed (services.schemes).
                message = N_("该评分项按评分细则逐项评分，不能导入总分")
                raise Invalid(message, {"component": [message]})
            return component
    raise Invalid(N_("请选择本赛项的评分项"), {"component": [N_("未知的评分项")]})


def _assignment(event: Event, judge_id: int, round_: Round) -> JudgeAssignment:
    assignment = db.session.scalar(
        select(JudgeAssignment).where(
            JudgeAssignment.event_id == event.id, JudgeAssignment.user_id == judge_id
        )
    )
    if assignment is None:
        raise Invalid(N_("请选择本赛项的裁判"), {"judge": [N_("该用户不是本赛项的裁判")]})
    refusal = policy.marking_refusal(assignment.unit_id, round_.kind)
    if refusal:
        raise Invalid(refusal, {"judge": [refusal]})
    return assignment


def preview(
    event: Event,
    round_kind: str,
    component_key: str,
    judge_id: int,
    data: bytes,
    filename: str,
) -> MarksPreview:
    """Read the results sheet and check every row as its mark would be checked; nothing is
    stored. A published round or a signed sheet refuses the whole file at once."""
    round_ = contest_service.get_round(event, round_kind)
    if round_.published:
        raise Conflict(N_("本轮成绩已发布并锁定，不能再导入成绩"))
    component = _component(event, component_key)
    assignment = _assignment(event, judge_id, round_)
    signed = db.session.scalar(
        select(Sheet.signed_at).where(
            Sheet.round_id == round_.id,
            Sheet.component_id == component.id,
            Sheet.judge_id == judge_id,
        )
    )
    if signed is not None:
        raise Conflict(SIGNED)
    headings = {
        "number": tables.NUMBER,
        "id_number": tables.ID_NUMBER,
        "name": tables.NAME,
        "score": (*SCORE, normalise.heading(component.name), f"{component.name}成绩"),
    }
    required = (("number", "id_number"), ("score",))
    table = tables.read(data, filename, headings, required, NO_HEADER, maybe_number="number")
    if "number" not in table.columns and "id_number" not in table.columns:
        raise Invalid(NO_HEADER, {"file": [str(n) for n in table.notes]})

    contestants = list(
        db.session.scalars(select(Contestant).where(Contestant.event_id == event.id))
    )
    by_number = {normalise.contest_number(c.number): c for c in contestants}
    if round_.kind == FINAL:
        # Once the final's numbers are drawn, its sheets carry them (`services.draw`); an exam
        # system's registration number still finds its contestant, and wins a clash.
        people = {c.id: c for c in contestants}
        for contestant_id, drawn in draw_service.drawn_numbers(round_).items():
            by_number.setdefault(normalise.contest_number(drawn), people[contestant_id])
    by_id = {normalise.id_number(c.id_number): c for c in contestants if c.id_number}
    finalists = set(
        db.session.scalars(select(Finalist.contestant_id).where(Finalist.event_id == event.id))
    )
    absent = {a.contestant_id: a.status for a in absence_service.absences_of(round_)}
    existing = dict(
        db.session.execute(
            select(Mark.contestant_id, Mark.value).where(
                Mark.round_id == round_.id,
                Mark.component_id == component.id,
                Mark.judge_id == judge_id,
            )
        ).all()
    )
    numbers = tables.contest_numbers(
        [table.cell(cells, "number") for _, cells in table.rows], by_number
    )
    drafts: list[_Draft] = []
    for (line, cells), number in zip(table.rows, numbers, strict=True):
        draft = _Draft(
            line=line, name=normalise.person_name(tables.text(table.cell(cells, "name")))
        )
        id_number, problem = tables.identity_number(table.cell(cells, "id_number"))
        score = table.cell(cells, "score")
        if number is None and id_number is None and problem is None and not draft.name:
            if tables.text(score):
                draft.problems.append(note(N_("缺少参赛号或身份证号")))
                drafts.append(draft)
            continue  # only a column this import does not read is filled
        if problem is not None and number is None:
            draft.problems.append(problem)
        else:
            draft.contestant, problems = tables.find_contestant(number, id_number, by_number, by_id)
            draft.problems.extend(problems)
        contestant = draft.contestant
        if contestant is not None:
            _check_contestant(draft, contestant, round_, assignment, finalists)
        _read_score(draft, score, component, existing, absent)
        drafts.append(draft)
    tables.mark_duplicates(drafts, "contestant_id", N_("与第 %(lines)s 行是同一名选手"))
    if not drafts:
        raise Invalid(N_("文件里只有表头，没有成绩"), {"file": [N_("没有成绩")]})
    return MarksPreview(
        round_kind=round_.kind,
        component_key=component.key,
        component_name=component.name,
        max_score=component.max_score,
        judge_id=judge_id,
        rows=tuple(d.freeze() for d in drafts),
        skipped=table.skipped,
        notes=table.notes,
    )


def _check_contestant(
    draft: _Draft,
    contestant: Contestant,
    round_: Round,
    assignment: JudgeAssignment,
    finalists: set[int],
) -> None:
    problem = tables.name_problem(draft.name, contestant)
    if problem is not None:
        draft.problems.append(problem)
    if round_.kind == FINAL and contestant.id not in finalists:
        draft.problems.append(
            note(N_("选手 %(number)s 未进入决赛，不能导入决赛成绩"), number=contestant.number)
        )
    refusal = policy.marking_refusal(assignment.unit_id, round_.kind, contestant.unit_id)
    if refusal:
        draft.problems.append(note(refusal))


def _read_score(
    draft: _Draft,
    score: object,
    component: Component,
    existing: dict[int, Decimal],
    absent: dict[int, str],
) -> None:
    shown = tables.text(score)  # type: ignore[arg-type]
    contestant_id = draft.contestant_id
    if not shown:
        draft.blank = True
        draft.notes.append(note(N_("成绩为空，不导入")))
        return
    status = normalise.absence_status(shown)
    if status is not None:
        draft.absence = status
        if contestant_id is not None and absent.get(contestant_id) == status:
            draft.notes.append(note(N_("已登记过，不变")))
        return
    value = tables.decimal(score)  # type: ignore[arg-type]
    if value is None:
        draft.problems.append(note(N_("成绩“%(value)s”不是数字"), value=shown))
        return
    problem = mark_service.check_value(component, value)
    if problem:
        draft.problems.append(note(problem))
        return
    draft.value = value
    if contestant_id is None:
        return
    old = existing.get(contestant_id)
    if old is not None and old != value:
        draft.notes.append(
            note(
                N_("已有成绩 %(old)s，将改为 %(new)s"),
                old=plain(old),
                new=plain(value),
            )
        )
    if contestant_id in absent:
        draft.notes.append(note(N_("本轮已登记缺考或弃权：成绩会保存，但仍不参与排名")))


@dataclass(frozen=True)
class MarksStored:
    marks: int
    absences: int
    blanks: int


def absence_reason(component_name: str, status: str) -> str:
    """The reason an imported absence is recorded with ("理论知识缺考（成绩单导入）")."""
    return f"{component_name}{absence_service.status_text(status)}（成绩单导入）"


def store(
    event: Event,
    checked: MarksPreview,
    actor: User,
    filename: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> MarksStored:
    """Write every mark and absence of a preview without a bad row (the caller commits).

    Each mark goes through `marks.set_mark` (its rules and its audit entry, the organiser
    named as the actor), each absence through `absences.record_absence`; any refusal stops
    the whole import, and the caller rolls it back. `progress(done, total)` is told after
    each row (a large import run as a job shows it)."""
    if not checked.can_store:
        raise tables.rows_refusal(checked.bad_rows)
    round_ = contest_service.get_round(event, checked.round_kind)
    judge = db.session.get(User, checked.judge_id)
    assert judge is not None
    reason = f"成绩单导入（{filename}）" if filename else "成绩单导入"
    for done, row in enumerate(checked.rows, start=1):
        if progress is not None:
            progress(done - 1, len(checked.rows))
        if row.contestant_id is None or row.blank:
            continue
        contestant = contest_service.get_contestant(event, row.contestant_id)
        if row.absence is not None:
            recorded = absence_service.get_absence(round_, contestant.id)
            if recorded is not None and recorded.status == row.absence:
                continue  # recorded already (by hand, or by an earlier import)
            absence_service.record_absence(
                event,
                round_,
                contestant,
                row.absence,
                absence_reason(checked.component_name, row.absence),
                actor,
            )
        elif row.value is not None:
            mark_service.set_mark(
                event,
                round_,
                contestant,
                checked.component_key,
                row.value,
                judge,
                reason=reason,
                actor=actor,
                details={"import": "marks"},
            )
    if progress is not None:
        progress(len(checked.rows), len(checked.rows))
    stored = MarksStored(len(checked.marks), len(checked.absences), len(checked.blanks))
    audit.record(
        "marks.import",
        actor,
        event_id=event.id,
        round_id=round_.id,
        judge_id=judge.id,
        reason=reason,
        details={
            "component": checked.component_key,
            "marks": stored.marks,
            "absences": stored.absences,
            "blanks": stored.blanks,
        },
    )
    db.session.flush()
    return stored


def template_header(component_name: str = "理论成绩") -> list[str]:
    return ["准考证号", "身份证号", "姓名", component_name]


def template_rows() -> list[list[str]]:
    return [["001", "", "张三", "86.5"], ["002", "", "李四", "缺考"]]
