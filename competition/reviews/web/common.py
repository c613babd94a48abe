"""What the craftsman-class pages share: the cohort's status in words, names, local times, and
the headline of a refused form.

Nothing here decides a rule: scores, bands and recommendations come from
`competition.reviews.services`, which asks `competition.scoring.review`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from competition.core import clock
from competition.core.i18n import _
from competition.http.blueprints import web as bp
from competition.models import Cohort, User


def person_name(user: User | None) -> str:
    """How a user is named on a page: their real name when they have one, else the login."""
    if user is None:
        return ""
    return user.display_name or user.username


def local_minute(moment: datetime | None) -> str:
    """A stored (UTC) moment as the local date and minute where the class is held."""
    if moment is None:
        return ""
    return moment.astimezone(clock.local_zone()).strftime("%Y-%m-%d %H:%M")


def signed_line(cohort: Cohort) -> str:
    """Who signed the results and when, or that they are still provisional."""
    if not cohort.locked:
        return _("尚未签署：结果为暂定")
    return _(
        "已由专家组组长 %(name)s 于 %(time)s 签署，结果已锁定",
        name=person_name(cohort.signed_by),
        time=local_minute(cohort.signed_at),
    )


def fix_marked() -> str:
    """The headline of a form sent back for bad values (422 naming fields): the fields' own
    messages stand next to the inputs (`competition.http.pages.show_refusal`)."""
    return _("请改正标出的问题；没有保存任何内容。")


@bp.app_template_filter("local_minute")
def _local_minute(value: Any) -> str:
    return local_minute(value)
