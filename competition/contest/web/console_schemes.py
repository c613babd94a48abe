"""The organisers' marking scheme page (评分细则) of one component: typed here, or imported from
the 评分表 workbook (`console_import_schemes`), fixed from the component's first mark on.

The page keeps what was typed when it is refused, with every problem at once: a scheme is
typed from a drawing line by line, and losing twenty lines to one wrong deviation would be
worse than the mistake. Saving goes through the API's service (`services.schemes`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from competition.contest.services import schemes as scheme_service
from competition.contest.web.console_common import event_or_404
from competition.core import normalise
from competition.core.errors import AppError, Invalid, NotFound
from competition.core.i18n import _
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import current_organiser, organiser_page
from competition.models import Component, Event
from competition.scoring import schemes as rules
from competition.scoring.values import plain

BLANK_ROWS = 6
MOST_ROWS = 200
FIELDS = ("code", "kind", "name", "points", "nominal", "lower", "upper")


def _component(event: Event, key: str) -> Component:
    component = event.component(key)
    if component is None:
        raise NotFound(_("本赛项没有这个评分项"))
    return component


def _stored_rows(component: Component) -> list[dict[str, str]]:
    scheme = component.scheme
    if scheme is None:
        return []
    return [
        {
            "code": item.code,
            "kind": item.kind,
            "name": item.name,
            "points": plain(item.points),
            **{
                name: "" if getattr(item, name) is None else f"{getattr(item, name):f}"
                for name in ("nominal", "lower", "upper")
            },
        }
        for item in scheme.items
    ]


def _posted_rows() -> list[dict[str, str]]:
    columns = {name: request.form.getlist(name) for name in FIELDS}
    count = min(max((len(values) for values in columns.values()), default=0), MOST_ROWS)
    rows = []
    for n in range(count):
        row = {name: (values[n] if n < len(values) else "") for name, values in columns.items()}
        if any(value.strip() for key, value in row.items() if key != "kind"):
            rows.append(row)
    return rows


def _number(text: str, line: int, what: str, problems: list[str]) -> Decimal | None:
    cleaned = normalise.decimal_text(text)
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        problems.append(
            _("第 %(line)d 行：%(what)s“%(text)s”不是数字", line=line, what=what, text=text)
        )
        return None
    if not value.is_finite():
        problems.append(
            _("第 %(line)d 行：%(what)s“%(text)s”不是数字", line=line, what=what, text=text)
        )
        return None
    return value


def _specs(rows: list[dict[str, str]]) -> tuple[list[scheme_service.ItemSpec], list[str]]:
    """The typed rows as items; what cannot even be read as numbers is said per line (the
    rules' own problems come from the service, all at once)."""
    items, problems = [], []
    for line, row in enumerate(rows, start=1):
        points = _number(row["points"], line, _("分值"), problems)
        sizes = [
            _number(row[name], line, label, problems)
            for name, label in (
                ("nominal", _("公称尺寸")),
                ("lower", _("下偏差")),
                ("upper", _("上偏差")),
            )
        ]
        if points is None:
            problems.append(_("第 %(line)d 行：请填写分值", line=line))
            continue
        items.append(
            scheme_service.ItemSpec(
                code=normalise.contest_number(row["code"]),
                kind=row["kind"] or rules.MEASUREMENT,
                name=normalise.plain(row["name"]),
                points=points,
                nominal=sizes[0],
                lower=sizes[1],
                upper=sizes[2],
            )
        )
    return items, problems


def _spread(text: str, problems: list[str]) -> int | None:
    cleaned = normalise.decimal_text(text)
    if not cleaned:
        return None
    if not cleaned.isdigit():
        problems.append(_("评价分允许的最大差值须为 0 到 3 的整数，或留空表示不限"))
        return None
    return int(cleaned)


def _page(
    event: Event,
    component: Component,
    rows: list[dict[str, str]],
    spread: str,
    errors: list[str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    extra = request.args.get("extra", type=int) or 0
    blank = {name: "" for name in FIELDS}
    shown = rows + [dict(blank) for _n in range(BLANK_ROWS + min(max(extra, 0), 50))]
    return render_template(
        "contest/console/scheme.html",
        event=event,
        component=component,
        scheme=component.scheme,
        locked=scheme_service.has_marks(component),
        rows=shown,
        spread=spread,
        errors=errors or [],
        kinds=rules.ITEM_KINDS,
        kind_names={
            rules.MEASUREMENT: _("测量项"),
            rules.JUDGEMENT: _("评价项"),
            rules.DEDUCTION: _("扣分项"),
        },
    ), status


@bp.route(
    "/console/events/<int:event_id>/components/<component_key>/scheme", methods=["GET", "POST"]
)
@organiser_page
def console_scheme(event_id: int, component_key: str) -> ResponseReturnValue:
    """GET shows the scheme (or none: one number per judge); POST with action=save stores
    the typed rows, action=remove goes back to one number per judge."""
    event = event_or_404(event_id)
    component = _component(event, component_key)
    if request.method == "GET":
        scheme = component.scheme
        spread = (
            ""
            if scheme is None or scheme.max_judgement_spread is None
            else str(scheme.max_judgement_spread)
        )
        return _page(event, component, _stored_rows(component), spread)
    user = current_organiser()
    rows = _posted_rows()
    spread_text = request.form.get("max_judgement_spread", "")
    try:
        if request.form.get("action") == "remove":
            scheme_service.remove_scheme(event, component.key, user)
            db.session.commit()
            flash(_("已删除评分细则，该评分项按总分评分。"), "success")
            return redirect(
                url_for("web.console_scheme", event_id=event.id, component_key=component.key)
            )
        problems: list[str] = []
        items, problems = _specs(rows)
        spread = _spread(spread_text, problems)
        if problems:
            raise Invalid(_("评分细则有误"), {"items": problems})
        scheme_service.set_scheme(event, component.key, items, spread, user)
        db.session.commit()
    except AppError as error:
        if error.status not in (404, 409, 422):
            raise
        db.session.rollback()
        messages: list[Any] = [_(error.message)] if not error.fields.get("items") else []
        messages += [_(m) for ms in error.fields.values() for m in ms]
        return _page(event, component, rows, spread_text, errors=messages, status=error.status)
    flash(_("评分细则已保存。"), "success")
    return redirect(url_for("web.console_scheme", event_id=event.id, component_key=component.key))
