"""Stations from a workbook: one row per station, its fields, and one column per criterion
(headed by the criterion's name, e.g. 有场地) with that criterion's evidence text.

The table is found and read as every import reads one (`competition.core.import_tables`):
a title above it, notes in the headings, full-width digits and padded names, footers. Every
row is checked and every problem listed; nothing is stored until the preview is confirmed,
and then every row is stored or none. An organiser's file names each row's unit (基层工会);
a union's file is its own unit's, whatever the column says (a different unit is a problem).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from competition.awards import nominations, schemas
from competition.core import import_tables as tables
from competition.core import normalise
from competition.core.i18n import N_
from competition.core.import_tables import Note, note
from competition.extensions import db
from competition.models import AwardLevel, AwardProgramme, AwardUnit, Station, User

HEADINGS: dict[str, tuple[str, ...]] = {
    "unit": ("基层工会", "推荐单位", "工会名称", "单位", "单位名称", "unit"),
    "name": ("站点名称", "站点", "服务站点名称", "名称", "name"),
    "address": ("地址", "站点地址", "详细地址", "address"),
    "district": ("所在区", "区", "所属区", "行政区", "district"),
    "contact_name": ("联系人", "负责人姓名", "contact_name"),
    "contact_phone": ("联系电话", "电话", "手机", "contact_phone"),
    "opening_hours": ("开放时间", "服务时间", "opening_hours"),
    "level": ("申报等级", "等级", "申报级别", "level"),
}
#: The columns every file needs: the station's name, address, district and level.
REQUIRED = ("name", "address", "district", "level")
COLUMN_NAMES = {
    "unit": "基层工会",
    "name": "站点名称",
    "address": "地址",
    "district": "所在区",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "opening_hours": "开放时间",
    "level": "申报等级",
}
LIMITS = {
    "name": 200,
    "address": 300,
    "district": 50,
    "contact_name": 100,
    "contact_phone": 50,
    "opening_hours": 100,
}
NORMALISERS = {
    "unit": normalise.unit_name,
    "name": normalise.unit_name,
    "address": normalise.plain,
    "district": schemas.district,
    "contact_name": normalise.person_name,
    "contact_phone": schemas.phone,
    "opening_hours": normalise.plain,
}


@dataclass
class ImportRow:
    line: int
    unit: AwardUnit | None
    unit_name: str
    values: dict[str, str]
    level: AwardLevel | None
    level_text: str
    texts: dict[str, str]  # criterion key → evidence text
    problems: list[Note] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.values.get("name", "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "unit": self.unit.name if self.unit else self.unit_name,
            "name": self.name,
            "district": self.values.get("district", ""),
            "level": self.level.key if self.level else self.level_text,
            "problems": [str(p) for p in self.problems],
        }


@dataclass(frozen=True)
class ImportPreview:
    rows: tuple[ImportRow, ...]
    notes: tuple[Note, ...]
    criteria: tuple[tuple[str, str], ...]  # (key, name) of the criteria columns found
    skipped: tuple[tables.Skipped, ...] = ()

    @property
    def bad(self) -> list[ImportRow]:
        return [row for row in self.rows if row.problems]

    @property
    def can_store(self) -> bool:
        return bool(self.rows) and not self.bad


def headings(programme: AwardProgramme) -> dict[str, tuple[str, ...]]:
    """The columns a file of this programme may have: the station's and one per criterion."""
    known = dict(HEADINGS)
    for criterion in programme.criteria:
        label = normalise.heading(criterion.name).lower()
        known[f"criterion:{criterion.key}"] = (label, criterion.key)
    return known


def template_header(programme: AwardProgramme, with_unit: bool) -> list[str]:
    keys = [k for k in COLUMN_NAMES if with_unit or k != "unit"]
    return [COLUMN_NAMES[k] for k in keys] + [c.name for c in programme.criteria]


def _level(programme: AwardProgramme, value: str) -> AwardLevel | None:
    """A level by its key, its name, or the start of its name (全国 for 全国最美…) when only
    one level's name starts so."""
    wanted = normalise.unit_name(value)
    for level in programme.levels:
        if wanted in (level.key, level.name):
            return level
    starting = [level for level in programme.levels if wanted and level.name.startswith(wanted)]
    return starting[0] if len(starting) == 1 else None


def preview(
    programme: AwardProgramme, own_unit: AwardUnit | None, data: bytes, filename: str
) -> ImportPreview:
    """Every row checked against the programme as it is now; nothing stored."""
    required: list[tuple[str, ...]] = [(key,) for key in REQUIRED]
    if own_unit is None:
        required.append(("unit",))
    table = tables.read(
        data,
        filename,
        headings(programme),
        required,
        N_("找不到表头：需要“站点名称”“地址”“所在区”“申报等级”列（组委会导入还需要“基层工会”列）"),
    )
    criteria = [
        (c.key, c.name) for c in programme.criteria if f"criterion:{c.key}" in table.columns
    ]
    notes = list(table.notes)
    absent = [c.name for c in programme.criteria if f"criterion:{c.key}" not in table.columns]
    if absent:
        notes.append(
            note(
                N_("文件中没有这些评审标准的列，相应材料需在页面上补充：%(names)s"),
                names="、".join(absent),
            )
        )
    units = {u.name: u for u in db.session.scalars(
        select(AwardUnit).where(AwardUnit.programme_id == programme.id)
    )}  # fmt: skip
    existing = {
        (unit_id, name)
        for unit_id, name in db.session.execute(
            select(Station.unit_id, Station.name).where(Station.programme_id == programme.id)
        )
    }
    rows: list[ImportRow] = []
    for line, cells in table.rows:
        values = {
            key: NORMALISERS[key](tables.text(table.cell(cells, key)))
            for key in NORMALISERS
            if key != "unit"
        }
        unit_text = normalise.unit_name(tables.text(table.cell(cells, "unit")))
        level_text = tables.text(table.cell(cells, "level"))
        row = ImportRow(
            line=line,
            unit=None,
            unit_name=unit_text,
            values=values,
            level=_level(programme, level_text) if level_text else None,
            level_text=level_text,
            texts={key: tables.text(table.cell(cells, f"criterion:{key}")) for key, _ in criteria},
        )
        if own_unit is not None:
            row.unit = own_unit
            if unit_text and unit_text != own_unit.name:
                row.problems.append(
                    note(N_("只能导入本单位（%(unit)s）的站点"), unit=own_unit.name)
                )
        elif not unit_text:
            row.problems.append(note(N_("缺少基层工会")))
        else:
            row.unit = units.get(unit_text)
            if row.unit is None:
                row.problems.append(note(N_("没有登记基层工会“%(unit)s”"), unit=unit_text))
        for key in REQUIRED:
            if key != "level" and not values[key]:
                row.problems.append(note(N_("缺少%(column)s"), column=COLUMN_NAMES[key]))
        if not level_text:
            row.problems.append(note(N_("缺少申报等级")))
        elif row.level is None:
            row.problems.append(
                note(
                    N_("没有等级“%(level)s”，应为 %(known)s 之一"),
                    level=level_text,
                    known="、".join(level.name for level in programme.levels),
                )
            )
        for key, limit in LIMITS.items():
            if len(values[key]) > limit:
                row.problems.append(
                    note(
                        N_("%(column)s最长 %(limit)s 个字符"), column=COLUMN_NAMES[key], limit=limit
                    )
                )
        for key, name in criteria:
            if len(row.texts[key]) > schemas.TEXT_MAX:
                row.problems.append(
                    note(N_("%(column)s最长 %(limit)s 个字符"), column=name, limit=schemas.TEXT_MAX)
                )
        if row.unit is not None and row.name and (row.unit.id, row.name) in existing:
            row.problems.append(note(N_("本单位已推荐名为“%(name)s”的站点"), name=row.name))
        rows.append(row)
    _same_station_twice(rows)
    return ImportPreview(
        rows=tuple(rows), notes=tuple(notes), criteria=tuple(criteria), skipped=table.skipped
    )


def _same_station_twice(rows: list[ImportRow]) -> None:
    lines: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        if row.name:
            lines.setdefault(
                (row.unit_name if row.unit is None else row.unit.name, row.name), []
            ).append(row.line)
    for row in rows:
        key = (row.unit_name if row.unit is None else row.unit.name, row.name)
        others = [n for n in lines.get(key, []) if n != row.line]
        if row.name and others:
            row.problems.append(
                note(N_("与第 %(lines)s 行是同一站点"), lines="、".join(map(str, others)))
            )


def store(programme: AwardProgramme, checked: ImportPreview, actor: User) -> list[Station]:
    """Every row of a preview without problems, or none (422 naming the bad rows; 409 after
    the deadline). The caller commits."""
    if not checked.rows:
        from competition.core.errors import Invalid

        raise Invalid("文件中没有站点", {"file": ["文件中没有站点"]})
    if checked.bad:
        raise tables.rows_refusal(checked.bad)
    nominations.require_open(programme)
    created = []
    for row in checked.rows:
        assert row.unit is not None and row.level is not None
        spec = nominations.StationSpec(
            level=row.level.key,
            name=row.values["name"],
            address=row.values["address"],
            district=row.values["district"],
            contact_name=row.values["contact_name"],
            contact_phone=row.values["contact_phone"],
            opening_hours=row.values["opening_hours"],
        )
        station = nominations.create_station(programme, row.unit, spec, actor)
        for criterion in programme.criteria:
            text = row.texts.get(criterion.key, "")
            if text:
                nominations.set_evidence_text(station, criterion, text, actor)
        created.append(station)
    return created
