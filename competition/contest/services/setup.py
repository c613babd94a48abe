"""Changing a contest's or an event's settings after they were created.

Names, hosts, the notice period, the objection contact and the units scores are printed in can
change any time before the results are out. An event's
rules (components, weights, tie-break chain, minimum finalists) can change only until the first
mark is entered: after that a changed weight would silently change totals judges have already
produced. The rules are checked by `services.contests.validate_event_rules`, as at creation.

The console's edit pages and the API's PATCH routes change settings through the same functions
(`update_contest`, `edit_event`): a page sends every setting, a PATCH only those it changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from competition.contest.services.contests import (
    ComponentSpec,
    outlier_percent_problems,
    team_size_problems,
    validate_event_rules,
)
from competition.contest.services.publication import MAX_NOTICE_WORKING_DAYS
from competition.core import audit
from competition.core.errors import Conflict, Invalid
from competition.extensions import db
from competition.models import AuditEntry, Component, Contest, Event, Mark, User
from competition.models.contests import FINAL

CONTEST_FIELDS = (
    "name",
    "host",
    "edition",
    "co_hosts",
    "theme",
    "notice_working_days",
    "objection_contact",
)


def check_notice_days(value: int | None, allow_none: bool) -> dict[str, list[str]]:
    if value is None:
        return {} if allow_none else {"notice_working_days": ["请填写公示期天数"]}
    if not 0 <= value <= MAX_NOTICE_WORKING_DAYS:
        return {"notice_working_days": [f"公示期应为 0 到 {MAX_NOTICE_WORKING_DAYS} 个工作日"]}
    return {}


CONTEST_EDITED = "竞赛信息已被他人修改，您这次的修改没有保存。请查看最新信息后再改。"
EVENT_EDITED = "赛项设置已被他人修改，您这次的修改没有保存。请查看最新设置后再改。"


class EditedMeanwhile(Conflict):
    """The settings were saved by someone else after the editor read them: nothing is saved."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="stale")


def _check_version(current: int, read: int | None, message: str) -> None:
    """`read` is the version the editor's form was made from (None: not a versioned edit)."""
    if read is not None and read != current:
        raise EditedMeanwhile(message)


def _flush_versioned(message: str) -> None:
    """Write the edit; the row's UPDATE is conditional on the version read (the ORM's
    version_id_col), so an edit saved by someone else in the meantime is refused here."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise EditedMeanwhile(message) from error


def update_contest(
    contest: Contest, actor: User, *, version: int | None = None, **values: object
) -> Contest:
    """Change a contest's settings; with `version` (from the edit form), only if nobody has
    saved them since that version was read (409 otherwise)."""
    unknown = set(values) - set(CONTEST_FIELDS)
    if unknown:
        raise TypeError(f"not contest settings: {sorted(unknown)}")
    _check_version(contest.version, version, CONTEST_EDITED)
    notice = values.get("notice_working_days", contest.notice_working_days)
    errors = check_notice_days(notice, allow_none=False)  # type: ignore[arg-type]
    if errors:
        raise Invalid("竞赛设置有误", errors)
    changed = {k: v for k, v in values.items() if getattr(contest, k) != v}
    for key, value in changed.items():
        setattr(contest, key, value)
    if changed:
        contest.version = contest.version + 1
        audit.record("contest.update", actor, details={"contest_id": contest.id, **changed})
    _flush_versioned(CONTEST_EDITED)
    return contest


def has_marks(event: Event) -> bool:
    round_ids = [r.id for r in event.rounds]
    return (
        db.session.scalar(select(Mark.id).where(Mark.round_id.in_(round_ids)).limit(1)) is not None
    )


def rules_of(event: Event) -> tuple[list[ComponentSpec], list[str], int]:
    components = [
        ComponentSpec(c.key, c.name, c.weight, c.max_score, c.higher_is_better, c.unit_label)
        for c in event.components
    ]
    return components, [c.key for c in event.tie_breaks], event.min_finalists_per_unit


def _rules(
    components: Sequence[ComponentSpec], tie_breaks: Sequence[str], min_finalists: int
) -> tuple[list[tuple[object, ...]], list[str], int]:
    """What the marks mean, for comparing an edit with the stored set-up: the printed unit of
    a score is left out, since changing it changes no total and no place."""
    return [c.rule for c in components], list(tie_breaks), min_finalists


EVENT_SETTINGS = (
    "name",
    "group",
    "min_finalists_per_unit",
    "notice_working_days",
    "components",
    "tie_breaks",
    "team_size",
    "outlier_percent",
)


def component_specs(
    components: Iterable[Mapping[str, Any] | ComponentSpec],
) -> list[ComponentSpec]:
    """Components as the input schemas load them (`ComponentIn`: key, name, weight,
    max_score, higher_is_better, unit_label), as the rules take them."""
    return [c if isinstance(c, ComponentSpec) else ComponentSpec(**c) for c in components]


def edit_event(event: Event, actor: User, *, version: int | None = None, **changes: Any) -> Event:
    """Change the settings given (`EVENT_SETTINGS`) and keep the others as stored: the edit
    page gives every one, the API's PATCH those it sends. `components`, given, replace the
    stored ones as a whole. The checks and refusals are `update_event`'s."""
    unknown = set(changes) - set(EVENT_SETTINGS)
    if unknown:
        raise TypeError(f"not event settings: {sorted(unknown)}")
    components, tie_breaks, min_finalists = rules_of(event)
    if "components" in changes:
        components = component_specs(changes["components"])
    return update_event(
        event,
        actor,
        name=changes.get("name", event.name),
        group=changes.get("group", event.group_name),
        min_finalists_per_unit=changes.get("min_finalists_per_unit", min_finalists),
        notice_working_days=changes.get("notice_working_days", event.notice_working_days),
        components=components,
        tie_breaks=changes.get("tie_breaks", tie_breaks),
        team_size=changes.get("team_size", event.team_size),
        outlier_percent=changes.get("outlier_percent", event.outlier_percent),
        version=version,
    )


def update_event(
    event: Event,
    actor: User,
    *,
    name: str,
    group: str,
    min_finalists_per_unit: int,
    notice_working_days: int | None,
    components: Sequence[ComponentSpec],
    tie_breaks: Sequence[str],
    version: int | None = None,
    team_size: int | None = None,
    outlier_percent: int | None = None,
) -> Event:
    """Change an event's set-up; with `version` (from the edit form), only if nobody has saved
    it since that version was read (409 otherwise). Every saved edit raises the version, a
    change of the rules too (they live in the components' rows).

    `team_size` (None: unchanged) changes no mark and no individual place, so marks do not
    lock it; the published final's team results do (409), since they were posted as counted.
    `outlier_percent` (None: unchanged) only decides which marks the chief judge is asked
    about before signing (`services.consistency`), so it changes at any time."""
    _check_version(event.version, version, EVENT_EDITED)
    errors = validate_event_rules(components, tie_breaks)
    errors.update(check_notice_days(notice_working_days, allow_none=True))
    if team_size is not None:
        errors.update(team_size_problems(team_size))
    if outlier_percent is not None:
        errors.update(outlier_percent_problems(outlier_percent))
    if errors:
        raise Invalid("赛项设置有误", errors)
    if team_size is not None and team_size != event.team_size and event.round(FINAL).published:
        raise Conflict(
            "决赛成绩已发布，团体成绩计入人数不能再修改", {"team_size": ["决赛成绩已发布"]}
        )
    rules_changed = _rules(*rules_of(event)) != _rules(
        components, tie_breaks, min_finalists_per_unit
    )
    if rules_changed and has_marks(event):
        raise Conflict(
            "已经有评分，不能再修改评分项、权重、同分比较顺序或最少决赛人数",
            {"components": ["已有评分，规则已锁定"]},
        )
    if rules_changed and any(r.published for r in event.rounds):
        raise Conflict("已有成绩发布，不能再修改规则")
    if (name, group) != (event.name, event.group_name) and db.session.scalar(
        select(Event.id).where(
            Event.contest_id == event.contest_id,
            Event.name == name,
            Event.group_name == group,
            Event.id != event.id,
        )
    ):
        raise Conflict(f"赛项“{name}（{group}）”已存在", {"name": ["该赛项已存在"]})
    event.name = name
    event.group_name = group
    event.notice_working_days = notice_working_days
    old_team_size = event.team_size
    if team_size is not None:
        event.team_size = team_size
    old_outlier_percent = event.outlier_percent
    if outlier_percent is not None:
        event.outlier_percent = outlier_percent
    event.version = event.version + 1
    _flush_versioned(EVENT_EDITED)  # before any query's autoflush can meet a newer version
    if rules_changed:
        event.min_finalists_per_unit = min_finalists_per_unit
        _replace_components(event, components, tie_breaks)
    units = _relabel(event, components)
    audit.record(
        "event.update",
        actor,
        event_id=event.id,
        details={
            "name": name,
            "group": group,
            "notice_working_days": notice_working_days,
            "rules_changed": rules_changed,
            **({"units": units} if units else {}),
            **({"team_size": event.team_size} if event.team_size != old_team_size else {}),
            **(
                {"outlier_percent": event.outlier_percent}
                if event.outlier_percent != old_outlier_percent
                else {}
            ),
        },
    )
    _flush_versioned(EVENT_EDITED)
    db.session.refresh(event)
    return event


def _replace_components(
    event: Event, components: Sequence[ComponentSpec], tie_breaks: Sequence[str]
) -> None:
    """Update components by key, add new ones, delete dropped ones (no mark refers to any)."""
    existing = {c.key: c for c in event.components}
    wanted = {spec.key for spec in components}
    for key, component in existing.items():
        if key not in wanted:
            referenced = db.session.scalar(
                select(AuditEntry.id).where(AuditEntry.component_id == component.id).limit(1)
            )
            if referenced is not None:
                raise Conflict(f"评分项“{component.name}”已被记录引用，不能删除")
            db.session.delete(component)
    _flush_versioned(EVENT_EDITED)
    for position, spec in enumerate(components):
        component = existing.get(spec.key)
        if component is None:
            component = Component(event_id=event.id, key=spec.key)
            db.session.add(component)
        component.name = spec.name
        component.weight = spec.weight
        component.max_score = spec.max_score
        component.higher_is_better = spec.higher_is_better
        component.unit_label = spec.unit_label
        component.position = position
        component.tie_break_position = (
            list(tie_breaks).index(spec.key) if spec.key in tie_breaks else None
        )


def _relabel(event: Event, components: Sequence[ComponentSpec]) -> dict[str, str]:
    """Set the printed unit of each component the edit names, marks or not: it changes only how
    a score is written. Returns the changed ones (key → new unit) for the audit trail."""
    wanted = {spec.key: spec.unit_label for spec in components}
    changed = {}
    for component in event.components:
        unit = wanted.get(component.key)
        if unit is not None and unit != component.unit_label:
            component.unit_label = unit
            changed[component.key] = unit
    return changed
