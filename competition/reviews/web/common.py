"""What the craftsman-class pages share: the cohort's status in words, names, local times, and
mapping a service's field names (`items.2.weight`, `items.content`) onto a page's inputs.

Nothing here decides a rule: scores, bands and recommendations come from
`competition.reviews.services`, which asks `competition.scoring.review`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from competition.contest.services import publication
from competition.core.errors import AppError
from competition.core.i18n import _
from competition.extensions import db
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
    return moment.astimezone(publication.local_zone()).strftime("%Y-%m-%d %H:%M")


def signed_line(cohort: Cohort) -> str:
    """Who signed the results and when, or that they are still provisional."""
    if not cohort.locked:
        return _("尚未签署：结果为暂定")
    return _(
        "已由专家组组长 %(name)s 于 %(time)s 签署，结果已锁定",
        name=person_name(cohort.signed_by),
        time=local_minute(cohort.signed_at),
    )


def refusal_messages(
    error: AppError, headline: str | None = None
) -> tuple[list[str], dict[str, list[str]]]:
    """A service's refusal as (general messages, {field: messages}), translated where the
    catalog knows them. The session is rolled back: nothing of the refused change stays.

    Bad values (422 naming fields) get a plain headline, since the API's summary names the
    field by its JSON path (`items.0.weight：…`); the fields' own messages go next to the
    inputs. Any other refusal (a locked cohort, 409) is said in the service's own words.
    """
    db.session.rollback()
    fields = {name: [_(m) for m in messages] for name, messages in error.fields.items()}
    if error.status == 422 and fields:
        return [headline or _("请改正标出的问题；没有保存任何内容。")], fields
    return [_(error.message)], fields


@bp.app_template_filter("plain_decimal")
def _plain_decimal(value: Any) -> str:
    """A weight or a band's minimum as people write it (85, 7.5), from a Decimal or the
    decimal string a cohort's bands are stored as."""
    return f"{Decimal(str(value)).normalize():f}"


@bp.app_template_filter("local_minute")
def _local_minute(value: Any) -> str:
    return local_minute(value)
