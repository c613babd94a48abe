"""Judges from a spreadsheet: accounts created and assigned to the event, all or none.

The organising committee and each unit's preliminary committee send their judges as a list
(姓名, 单位, 职务 裁判/裁判长, 裁判组). Each row becomes a judge's account (or an existing
account named by its 用户名) assigned to the event: to the contest's own panel, or to a unit's
preliminary committee, which marks only that unit's preliminary (competition.contest.policy). The
accounts are made by `users.create_user` and assigned by `contests.assign_judge`, as the
judges page does one at a time, so the rules and the audit entries are theirs.

Passwords: nobody types forty passwords. Each new account gets a random one, shown once on
the confirmation page to be printed and handed out; only its hash is kept, as for any account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from competition.contest.services import contests as contest_service
from competition.contest.services.imports import units_by_name
from competition.core import audit, normalise
from competition.core import import_tables as tables
from competition.core import users as user_service
from competition.core.errors import Invalid
from competition.core.i18n import N_
from competition.core.import_tables import Draft, Note, Skipped, note
from competition.extensions import db
from competition.models import Event, JudgeAssignment, Role, Unit, User

HEADINGS = {
    "name": ("姓名", "裁判姓名", "裁判员姓名", "名字", "name"),
    "unit": tables.UNIT,
    "role": ("职务", "角色", "身份", "裁判职务", "担任职务", "岗位", "role"),
    "panel": ("裁判组", "所属裁判组", "评分范围", "评分组", "组别", "panel"),
    "username": ("用户名", "账号", "登录名", "登录账号", "username"),
}
NO_HEADER = N_("找不到表头：文件的前几行中应有“姓名”一列（“单位”“职务”“裁判组”“用户名”可选）")
CHIEF_WORDS = ("裁判长", "主裁判", "总裁判长", "chief")
JUDGE_WORDS = ("", "裁判", "裁判员", "评委", "评分裁判", "judge")
FINAL_WORDS = ("决赛", "决赛裁判组", "决赛组", "组委会", "大赛组委会", "组委会裁判组", "final")
COMMITTEE_WORDS = ("初赛", "初赛组委会", "单位初赛组委会", "初赛裁判组", "preliminary")
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread on paper
PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class JudgeRow:
    line: int
    name: str
    username: str
    unit_id: int | None  # the unit's preliminary committee; None: the contest's panel
    unit_name: str
    chief: bool
    existing_user_id: int | None = None  # an account named in the file, assigned as it is
    problems: tuple[Note, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class JudgesPreview:
    rows: tuple[JudgeRow, ...]
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def bad_rows(self) -> tuple[JudgeRow, ...]:
        return tuple(r for r in self.rows if not r.ok)

    @property
    def can_store(self) -> bool:
        return bool(self.rows) and not self.bad_rows

    @property
    def new_accounts(self) -> tuple[JudgeRow, ...]:
        return tuple(r for r in self.rows if r.existing_user_id is None)


@dataclass
class _Draft(Draft):
    name: str = ""
    username: str = ""
    unit_id: int | None = None
    unit_name: str = ""
    chief: bool = False
    existing_user_id: int | None = None

    @property
    def scope_name(self) -> tuple[str, int | None] | None:
        return (self.name, self.unit_id) if self.name else None

    def freeze(self) -> JudgeRow:
        return JudgeRow(
            line=self.line,
            name=self.name,
            username=self.username,
            unit_id=self.unit_id,
            unit_name=self.unit_name,
            chief=self.chief,
            existing_user_id=self.existing_user_id,
            problems=tuple(self.problems),
            notes=tuple(self.notes),
        )


@dataclass(frozen=True)
class Credential:
    """A judge as the confirmation page lists them; `password` only for a new account."""

    name: str
    username: str
    password: str | None
    unit_name: str
    chief: bool


def _word(value: object) -> str:
    return normalise.plain(tables.text(value)).replace(" ", "").lower()  # type: ignore[arg-type]


def preview(event: Event, data: bytes, filename: str) -> JudgesPreview:
    """Read the list and check every row as creating and assigning the judge would; the
    usernames the new accounts would get are shown. Nothing is stored."""
    table = tables.read(data, filename, HEADINGS, (("name",),), NO_HEADER)
    units = units_by_name(event)
    assigned = db.session.execute(
        select(User.id, User.username, User.display_name, JudgeAssignment.unit_id)
        .join(JudgeAssignment, JudgeAssignment.user_id == User.id)
        .where(JudgeAssignment.event_id == event.id)
    ).all()
    assigned_ids = {row[0] for row in assigned}
    assigned_names = {(normalise.person_name(row[2] or ""), row[3]): row[1] for row in assigned}
    taken = set(db.session.scalars(select(User.username)))
    drafts: list[_Draft] = []
    for line, cells in table.rows:
        name = normalise.person_name(tables.text(table.cell(cells, "name")))
        draft = _Draft(line=line, name=name)
        if not name:
            draft.problems.append(note(N_("缺少姓名")))
        elif len(name) > 100:
            draft.problems.append(note(N_("姓名过长（最多 100 个字）")))
        role = _word(table.cell(cells, "role"))
        if role in CHIEF_WORDS:
            draft.chief = True
        elif role not in JUDGE_WORDS:
            draft.problems.append(note(N_("职务应为“裁判”或“裁判长”")))
        _scope(draft, table.cell(cells, "unit"), table.cell(cells, "panel"), units)
        _account(draft, tables.text(table.cell(cells, "username")), assigned_ids)
        if draft.scope_name in assigned_names:
            draft.problems.append(
                note(
                    N_("本赛项已有同名裁判（用户名 %(username)s），请勿重复导入"),
                    username=assigned_names[draft.scope_name],  # type: ignore[index]
                )
            )
        drafts.append(draft)
    tables.mark_duplicates(drafts, "scope_name", N_("与第 %(lines)s 行是同一名裁判"))
    tables.mark_duplicates(
        [d for d in drafts if d.username], "username", N_("用户名与第 %(lines)s 行重复")
    )
    if not drafts:
        raise Invalid(N_("文件里只有表头，没有裁判"), {"file": [N_("没有裁判")]})
    _name_new_accounts(drafts, event, taken)
    return JudgesPreview(
        rows=tuple(d.freeze() for d in drafts), skipped=table.skipped, notes=table.notes
    )


def _scope(draft: _Draft, unit_cell: object, panel_cell: object, units: dict[str, Unit]) -> None:
    """Which panel the judge sits on: a unit's preliminary committee or the contest's own."""
    unit = normalise.unit_name(tables.text(unit_cell))  # type: ignore[arg-type]
    panel = normalise.unit_name(tables.text(panel_cell))  # type: ignore[arg-type]
    word = panel.replace(" ", "").lower()
    committee = word in COMMITTEE_WORDS or (bool(unit) and not word)
    if word.endswith("初赛组委会") and word not in COMMITTEE_WORDS:
        committee, unit = True, unit or panel.removesuffix("初赛组委会").strip()
    elif word and word not in FINAL_WORDS and word not in COMMITTEE_WORDS:
        draft.problems.append(note(N_("裁判组应为“决赛”或“初赛”（单位初赛组委会）")))
        return
    if not committee:
        if unit:
            draft.notes.append(note(N_("决赛裁判不按单位分组，“单位”一列未使用")))
        return
    if not unit:
        draft.problems.append(note(N_("初赛组委会的裁判须填写单位")))
    elif unit not in units:
        draft.problems.append(note(N_("单位“%(unit)s”未在本竞赛登记"), unit=unit))
    else:
        draft.unit_id, draft.unit_name = units[unit].id, units[unit].name


def _account(draft: _Draft, username: str, assigned_ids: set[int]) -> None:
    """An account the file names: an existing judge's is assigned, a new name is created."""
    if not username:
        return
    draft.username = username
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        if not user_service.USERNAME_PATTERN.match(username):
            draft.problems.append(note(N_("用户名须为 2-64 位字母、数字、下划线、点或连字符")))
        return
    if user.role != Role.JUDGE:
        draft.problems.append(note(N_("用户名 %(username)s 已被非裁判账号使用"), username=username))
    elif user.id in assigned_ids:
        draft.problems.append(note(N_("该裁判已分配到本赛项")))
    else:
        draft.existing_user_id = user.id
        draft.notes.append(note(N_("使用已有账号 %(username)s"), username=username))


def _name_new_accounts(drafts: list[_Draft], event: Event, taken: set[str]) -> None:
    """Usernames for the rows without one: judge<event>-01, -02, … skipping those in use."""
    used = taken | {d.username for d in drafts if d.username}
    sequence = 0
    for draft in drafts:
        if draft.username:
            continue
        while True:
            sequence += 1
            candidate = f"judge{event.id}-{sequence:02d}"
            if candidate not in used:
                break
        draft.username = candidate
        used.add(candidate)


def new_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def store(event: Event, checked: JudgesPreview, actor: User) -> list[Credential]:
    """Create and assign every judge of a preview without a bad row (the caller commits);
    the new accounts' passwords come back to be shown once, and are nowhere else."""
    if not checked.can_store:
        raise tables.rows_refusal(checked.bad_rows)
    credentials: list[Credential] = []
    for row in checked.rows:
        password = None
        if row.existing_user_id is None:
            password = new_password()
            user = user_service.create_user(row.username, password, Role.JUDGE, row.name)
            user_id = user.id
        else:
            user_id = row.existing_user_id
        contest_service.assign_judge(event, user_id, actor, unit_id=row.unit_id, chief=row.chief)
        credentials.append(Credential(row.name, row.username, password, row.unit_name, row.chief))
    audit.record(
        "judges.import",
        actor,
        event_id=event.id,
        details={
            "created": [c.username for c in credentials if c.password],
            "assigned": [c.username for c in credentials],
        },
    )
    db.session.flush()
    return credentials


def template_header() -> list[str]:
    return ["姓名", "单位", "职务", "裁判组"]


def template_rows() -> list[list[str]]:
    return [
        ["张三", "", "裁判长", "决赛"],
        ["李四", "", "裁判", "决赛"],
        ["王五", "北京示例精密制造有限公司", "裁判", "初赛"],
    ]
