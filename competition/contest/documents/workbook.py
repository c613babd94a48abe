"""A round's results for Excel (.xlsx): the ranking (in the preliminary then each unit's own),
the absent as 缺考/弃权 with their reason, never with a score, and who is still incomplete.

Built from `competition.contest.services.results`, like the result notice, so the workbook, the
notice and the results JSON never disagree. A component with a unit (分钟) has it in its heading
and its cells as measured (170, not 170.00). Without identities (a judge before publication)
names and units are left blank, and a unit's sheet is titled by its place in the list, as the
notice does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from competition.contest.services.results import RoundResults, unit_rankings
from competition.contest.wording import absence_text, round_label
from competition.core.i18n import _
from competition.core.spreadsheets import Sheet, Value, write_xlsx
from competition.models import Unit
from competition.models.contests import PRELIMINARY
from competition.pdf.formatting import measured_value, place_notes
from competition.scoring.ranking import RankedEntry


def results_workbook(results: RoundResults, identities: bool, unit: Unit | None = None) -> bytes:
    """The workbook of `results` (of the whole round, or of `unit`'s own ranking, which is then
    its only ranked sheet)."""
    event, round_ = results.event, results.round
    weighted = list(event.components)
    header = [
        _("名次"),
        _("参赛号"),
        _("姓名"),
        _("单位"),
        *[
            f"{c.name}（{c.unit_label}）" if c.unit_label and c.unit_label not in c.name else c.name
            for c in weighted
        ],
        _("总成绩"),
        # The absent's reason goes here too: a column more would move every column after it.
        _("名次依据/备注"),
    ]

    def who(contestant_id: int) -> tuple[str | None, str | None]:
        contestant = results.contestants[contestant_id]
        if not identities:
            return None, None
        return contestant.name, contestant.unit.name

    def ranked_row(entry: RankedEntry, notes: Mapping[int, str]) -> list[Value]:
        name, unit_name = who(entry.contestant_id)
        return [
            entry.rank,
            results.contestants[entry.contestant_id].number,
            name,
            unit_name,
            *[measured_value(entry.scores.get(c.key), c.unit_label) for c in weighted],
            entry.total,
            notes.get(entry.contestant_id, ""),
        ]

    def absent_rows(unit_id: int | None) -> list[list[Value]]:
        return [
            [
                absence_text(a.status),
                a.entrant.number,
                *who(a.contestant_id),
                *[None for _c in weighted],
                None,
                a.reason,
            ]
            for a in results.absent
            if unit_id is None or a.entrant.unit_id == unit_id
        ]

    notes = place_notes(event, results.ranking)
    widths = (6, 10, 14, 36, *([12] * len(weighted)), 10, 18)
    rows = [*(ranked_row(e, notes) for e in results.ranking.ranked), *absent_rows(None)]
    sheets = [Sheet(title=round_label(round_.kind), header=header, rows=rows, widths=widths)]
    if round_.kind == PRELIMINARY and unit is None:
        units = sorted(event.contest.units, key=lambda u: u.id)
        places = {u.id: n for n, u in enumerate(units, 1)}
        names = {u.id: u.name for u in units}
        rankings = unit_rankings(event, round_)
        for unit_id in sorted({*rankings, *(a.entrant.unit_id for a in results.absent)}):
            ranking = rankings.get(unit_id)
            unit_notes = place_notes(event, ranking) if ranking else {}
            unit_rows = [
                *(ranked_row(e, unit_notes) for e in (ranking.ranked if ranking else ())),
                *absent_rows(unit_id),
            ]
            title = (
                names[unit_id]
                if identities
                else _("第 %(place)d 个参赛单位", place=places[unit_id])
            )
            sheets.append(Sheet(title=title, header=header, rows=unit_rows, widths=widths))
    if results.ranking.incomplete:
        components = {c.key: c.name for c in event.components}
        sheets.append(
            Sheet(
                title=_("成绩不全"),
                header=[_("参赛号"), _("姓名"), _("单位"), _("缺少")],
                rows=[
                    [
                        results.contestants[i.contestant_id].number,
                        *who(i.contestant_id),
                        "、".join(components.get(k, k) for k in i.missing),
                    ]
                    for i in results.ranking.incomplete
                ],
            )
        )
    return write_xlsx(_unique_titles(sheets))


def _unique_titles(sheets: Sequence[Sheet]) -> list[Sheet]:
    """Excel refuses two worksheets with one name (and names longer than 31 characters)."""
    seen: set[str] = set()
    result = []
    for sheet in sheets:
        title = sheet.title[:28] or "Sheet"
        candidate, n = title, 2
        while candidate.lower() in seen:
            candidate, n = f"{title[:26]}~{n}", n + 1
        seen.add(candidate.lower())
        result.append(Sheet(candidate, sheet.header, sheet.rows, sheet.widths))
    return result
