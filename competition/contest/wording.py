"""The contest's own words, as pages, notices, sheets and workbooks all print them: the
contest's title, a round's name, 缺考 or 弃权. Beneath both `web` and `documents`, so that a
page and the paper it prints never word the same thing twice."""

from __future__ import annotations

from competition.core.i18n import _, paren
from competition.core.normalise import has_cjk
from competition.models import Contest, Event
from competition.models.contests import FINAL, PRELIMINARY


def contest_title(contest: Contest) -> str:
    """Edition and name (第五届 + 职工职业技能竞赛), unless the name already says the edition
    (北京经济技术开发区第五届职工职业技能竞赛: not "第五届…第五届…").  Chinese runs on without a
    space; a Latin edition or name is set apart by one ("5th Skills Contest")."""
    edition, name = (contest.edition or "").strip(), contest.name
    if not edition or edition in name:
        return name
    joined = has_cjk(edition[-1]) and has_cjk(name[:1])
    return edition + ("" if joined else " ") + name


def event_title(event: Event) -> str:
    """An event with its group: 数控铣工（职工组）, "Milling (Workers)" in English."""
    return event.name + paren(event.group_name)


def round_label(kind: str) -> str:
    return {PRELIMINARY: _("初赛"), FINAL: _("决赛")}.get(kind, kind)


def absence_text(status: str) -> str:
    """缺考 or 弃权: what is printed where an absent contestant's score would be."""
    return _("弃权") if status == "withdrawn" else _("缺考")
