"""The contest's own words, as pages, notices, sheets and workbooks all print them: the
contest's title, a round's name, 缺考 or 弃权. Beneath both `web` and `documents`, so that a
page and the paper it prints never word the same thing twice."""

from __future__ import annotations

from competition.core.i18n import _
from competition.models import Contest
from competition.models.contests import FINAL, PRELIMINARY


def contest_title(contest: Contest) -> str:
    """Edition and name (第五届 + 职工职业技能竞赛), unless the name already says the edition."""
    if contest.edition and contest.edition not in contest.name:
        return contest.edition + contest.name
    return contest.name


def round_label(kind: str) -> str:
    return {PRELIMINARY: _("初赛"), FINAL: _("决赛")}.get(kind, kind)


def absence_text(status: str) -> str:
    """缺考 or 弃权: what is printed where an absent contestant's score would be."""
    return _("弃权") if status == "withdrawn" else _("缺考")
