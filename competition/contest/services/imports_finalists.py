"""A unit's list of finalists, as its committee sends it, checked against its ranking.

Finalists are not chosen: they are each unit's top N of its own preliminary ranking
(services.results.set_finalists, by scoring.select_finalists). A unit's committee still sends
its list (参赛号 or 身份证号, 姓名), and what matters is whether that list is the ranking's
top N. The import therefore stores nothing of its own: it finds each row's contestant, groups
the rows by unit, and checks that each unit's rows are exactly its top N, N being the number
of rows, saying which row is not ("该选手在本单位初赛排名第5，推荐3人时不在前3名") and who
of the top N is missing. Only a list that passes is confirmed, and confirming calls
`set_finalists` with N for each unit in the file, the same as recommending on the page.
Units not in the file keep what they have.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from competition import scoring
from competition.contest.services import recommendation
from competition.contest.services import results as result_service
from competition.core import audit, normalise
from competition.core import import_tables as tables
from competition.core.errors import Conflict, Invalid
from competition.core.i18n import N_
from competition.core.import_tables import Draft, Note, Skipped, note
from competition.extensions import db
from competition.models import Contestant, Event, Unit, User
from competition.models.contests import PRELIMINARY

HEADINGS = {
    "number": tables.NUMBER,
    "id_number": tables.ID_NUMBER,
    "name": tables.NAME,
    "unit": tables.UNIT,
}
NO_HEADER = N_("找不到表头：文件的前几行中应有“参赛号”或“身份证号”一列（“姓名”“单位”两列可选）")


@dataclass(frozen=True)
class FinalistRow:
    line: int
    name: str
    number: str | None
    contestant_id: int | None
    unit_id: int | None
    rank: int | None = None  # in the unit's preliminary ranking
    problems: tuple[Note, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class UnitList:
    """One unit's part of the file: how many it recommends, and what stops it as a whole."""

    unit_id: int
    unit_name: str
    count: int
    problem: scoring.FinalistError | None = None  # the rule's own refusal of this count
    problems: tuple[Note, ...] = ()  # someone of the top `count` is not in the list
    notes: tuple[Note, ...] = ()

    @property
    def ok(self) -> bool:
        return self.problem is None and not self.problems


@dataclass(frozen=True)
class FinalistsPreview:
    rows: tuple[FinalistRow, ...]
    units: tuple[UnitList, ...]
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def bad_rows(self) -> tuple[FinalistRow, ...]:
        return tuple(r for r in self.rows if not r.ok)

    @property
    def bad_units(self) -> tuple[UnitList, ...]:
        return tuple(u for u in self.units if not u.ok)

    @property
    def can_store(self) -> bool:
        return bool(self.units) and not self.bad_rows and not self.bad_units


@dataclass
class _Draft(Draft):
    name: str = ""
    contestant: Contestant | None = None
    rank: int | None = None
    extra: list[Note] = field(default_factory=list)

    @property
    def contestant_id(self) -> int | None:
        return None if self.contestant is None else self.contestant.id

    def freeze(self) -> FinalistRow:
        contestant = self.contestant
        return FinalistRow(
            line=self.line,
            name=self.name,
            number=None if contestant is None else contestant.number,
            contestant_id=None if contestant is None else contestant.id,
            unit_id=None if contestant is None else contestant.unit_id,
            rank=self.rank,
            problems=tuple(self.problems),
            notes=tuple(self.notes),
        )


def preview(event: Event, data: bytes, filename: str) -> FinalistsPreview:
    """Read the list and check it against each unit's preliminary ranking; nothing is stored."""
    if recommendation.final_started(event):
        raise Conflict("决赛已开始评分，不能再更改决赛名单")
    table = tables.read(
        data, filename, HEADINGS, (("number", "id_number"),), NO_HEADER, maybe_number="number"
    )
    if "number" not in table.columns and "id_number" not in table.columns:
        raise Invalid(NO_HEADER, {"file": [str(n) for n in table.notes]})
    contestants = list(
        db.session.scalars(select(Contestant).where(Contestant.event_id == event.id))
    )
    by_number = {normalise.contest_number(c.number): c for c in contestants}
    by_id = {normalise.id_number(c.id_number): c for c in contestants if c.id_number}
    units = {u.id: u for u in event.contest.units}
    numbers = tables.contest_numbers(
        [table.cell(cells, "number") for _, cells in table.rows], by_number
    )
    drafts: list[_Draft] = []
    for (line, cells), number in zip(table.rows, numbers, strict=True):
        name = normalise.person_name(tables.text(table.cell(cells, "name")))
        draft = _Draft(line=line, name=name)
        id_number, problem = tables.identity_number(table.cell(cells, "id_number"))
        if number is None and id_number is None and problem is None and not name:
            continue  # only a column this import does not read is filled
        if problem is not None and number is None:
            draft.problems.append(problem)
        else:
            draft.contestant, problems = tables.find_contestant(number, id_number, by_number, by_id)
            draft.problems.extend(problems)
        if draft.contestant is not None:
            problem = tables.name_problem(name, draft.contestant)
            if problem is not None:
                draft.problems.append(problem)
            unit = normalise.unit_name(tables.text(table.cell(cells, "unit")))
            registered = units[draft.contestant.unit_id].name
            if unit and unit != normalise.unit_name(registered):
                draft.problems.append(
                    note(
                        N_("该选手的单位是“%(unit)s”，不是“%(given)s”"), unit=registered, given=unit
                    )
                )
        drafts.append(draft)
    tables.mark_duplicates(drafts, "contestant_id", N_("与第 %(lines)s 行是同一名选手"))
    if not drafts:
        raise Invalid("文件里只有表头，没有选手", {"file": ["没有选手"]})
    checked_units = _check_units(event, drafts, units)
    return FinalistsPreview(
        rows=tuple(d.freeze() for d in drafts),
        units=checked_units,
        skipped=table.skipped,
        notes=table.notes,
    )


def _check_units(
    event: Event, drafts: list[_Draft], units: dict[int, Unit]
) -> tuple[UnitList, ...]:
    """Each unit's rows against its own preliminary ranking: the rows must be its top N."""
    by_unit: dict[int, list[_Draft]] = defaultdict(list)
    for draft in drafts:
        if draft.contestant is not None:
            by_unit[draft.contestant.unit_id].append(draft)
    preliminary = event.round(PRELIMINARY)
    stored: dict[int, int] = defaultdict(int)
    for finalist in result_service.finalists(event):
        stored[finalist.unit_id] += 1
    checked: list[UnitList] = []
    for unit_id, rows in by_unit.items():
        listed = {d.contestant_id for d in rows}
        count = len(listed)
        results = result_service.round_results(event, preliminary, unit_id)
        ranking = results.ranking
        ranks = {entry.contestant_id: entry.rank for entry in ranking.ranked}
        incomplete = {item.contestant_id for item in ranking.incomplete}
        absent = {a.contestant_id: a.status for a in results.absent}
        for draft in rows:
            contestant_id = draft.contestant_id
            rank = ranks.get(contestant_id)  # type: ignore[arg-type]
            draft.rank = rank
            if contestant_id in absent:
                draft.problems.append(note(N_("该选手初赛缺考或弃权，不能推荐进入决赛")))
            elif contestant_id in incomplete:
                draft.problems.append(note(N_("该选手初赛成绩不全，尚未排名")))
            elif rank is not None and rank > count:
                draft.problems.append(
                    note(
                        N_("该选手在本单位初赛排名第%(rank)s，推荐%(count)s人时不在前%(count)s名"),
                        rank=rank,
                        count=count,
                    )
                )
        problem = None
        try:
            scoring.select_finalists(ranking, count, event.min_finalists_per_unit)
        except scoring.FinalistError as error:
            problem = error
        missing = [
            note(
                N_("本单位初赛第 %(rank)s 名 %(name)s（参赛号 %(number)s）不在名单中"),
                rank=entry.rank,
                name=results.contestants[entry.contestant_id].name,
                number=results.contestants[entry.contestant_id].number,
            )
            for entry in ranking.ranked[:count]
            if entry.contestant_id not in listed
        ]
        notes = []
        if stored[unit_id]:
            notes.append(note(N_("将替换本单位已推荐的 %(count)s 名"), count=stored[unit_id]))
        checked.append(
            UnitList(
                unit_id=unit_id,
                unit_name=units[unit_id].name,
                count=count,
                problem=problem,
                problems=tuple(missing),
                notes=tuple(notes),
            )
        )
    return tuple(sorted(checked, key=lambda u: u.unit_id))


def store(event: Event, checked: FinalistsPreview, actor: User) -> dict[int, list[int]]:
    """Recommend each unit's finalists of a preview that passed (the caller commits), by
    `set_finalists` with the unit's count: the same decision and audit entry as the page's."""
    if not checked.can_store:
        if checked.bad_rows:
            raise tables.rows_refusal(checked.bad_rows)
        raise Invalid(
            N_("名单与本单位初赛排名不符"),
            {"units": [u.unit_name for u in checked.bad_units]},
        )
    chosen: dict[int, list[int]] = {}
    for unit in checked.units:
        listed = {r.contestant_id for r in checked.rows if r.unit_id == unit.unit_id}
        chosen[unit.unit_id] = result_service.set_finalists(event, unit.unit_id, unit.count, actor)
        if set(chosen[unit.unit_id]) != listed:  # the ranking changed since it was checked
            raise Conflict(N_("初赛排名已变化，请重新上传名单"))
    audit.record(
        "finalists.import",
        actor,
        event_id=event.id,
        details={"units": {str(k): v for k, v in chosen.items()}},
    )
    db.session.flush()
    return chosen


def template_header() -> list[str]:
    return ["参赛号", "身份证号", "姓名", "单位"]


def template_rows() -> list[list[str]]:
    return [["001", "", "张三", "北京示例精密制造有限公司"]]
