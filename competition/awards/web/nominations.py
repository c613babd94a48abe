"""Nomination pages: a base-level union's home (its programmes and stations), a station's
form, its evidence per criterion (text and files), submission, and the import of stations
from a workbook with a preview. The organiser uses the same pages to act for any unit (and
hands a submitted nomination back); another unit's station is not found (404).

Forms go through the API's schemas and the same services; refusals are shown on the page
with the service's words (a file over the limit names the file and the limit).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from competition.awards import files, imports, nominations, policy, schemas, uploads
from competition.awards import programmes as programme_service
from competition.core.downloads import XLSX
from competition.core.errors import AppError, Invalid
from competition.core.i18n import _, lazy_gettext
from competition.core.roles import is_organiser
from competition.core.spreadsheets import Sheet, write_xlsx
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.imports import limit_mb
from competition.http.loading import load
from competition.http.pages import form_status, role_required, show_refusal, signed_in_user
from competition.http.upload_stash import UploadStash
from competition.models import AwardProgramme, AwardUnit, Role, Station, User


def _user() -> User:
    user = signed_in_user()
    assert user is not None  # role_required signed the visitor in first
    return user


def fix_marked() -> str:
    return _("请改正标出的问题；没有保存任何内容。")


# ---------------------------------------------------------------- the union's home
@bp.get("/union")
@role_required(Role.UNION)
def union_home() -> ResponseReturnValue:
    """The programmes this account nominates for, with its unit's stations in each."""
    user = _user()
    entries = []
    for unit in db.session.scalars(
        select(AwardUnit).where(AwardUnit.user_id == user.id).order_by(AwardUnit.id.desc())
    ):
        programme = unit.programme
        entries.append(
            {
                "programme": programme,
                "unit": unit,
                "stations": nominations.stations(programme, unit),
                "deadline": nominations.deadline_text(programme),
                "open": nominations.is_open(programme),
            }
        )
    return render_template("awards/union_home.html", entries=entries)


# ---------------------------------------------------------------- a station's fields
class StationForm(FlaskForm):
    name = StringField(
        lazy_gettext("站点名称"),
        validators=[DataRequired(lazy_gettext("请填写站点名称")), Length(max=200)],
    )
    address = StringField(
        lazy_gettext("地址"), validators=[DataRequired(lazy_gettext("请填写地址")), Length(max=300)]
    )
    district = StringField(
        lazy_gettext("所在区"),
        validators=[DataRequired(lazy_gettext("请填写所在区")), Length(max=50)],
    )
    contact_name = StringField(lazy_gettext("联系人"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(lazy_gettext("联系电话"), validators=[Optional(), Length(max=50)])
    opening_hours = StringField(lazy_gettext("开放时间"), validators=[Optional(), Length(max=100)])
    level = SelectField(lazy_gettext("申报等级"), validate_choice=False)


FIELDS = ("name", "address", "district", "contact_name", "contact_phone", "opening_hours")


def _station_form(programme: AwardProgramme, station: Station | None = None) -> StationForm:
    form = StationForm(prefix="station")
    form.level.choices = [SelectChoice(lv.key, lv.name) for lv in programme.levels]
    if station is not None and request.method == "GET":
        for key in FIELDS:
            getattr(form, key).data = getattr(station, key)
        form.level.data = station.level.key
    return form


def _station_body(form: StationForm) -> dict[str, Any]:
    body = {key: getattr(form, key).data or "" for key in FIELDS}
    body["level"] = form.level.data or ""
    return body


@bp.route("/awards/programmes/<int:programme_id>/stations/new", methods=["GET", "POST"])
@role_required(Role.UNION, Role.ORGANISER)
def station_new(programme_id: int) -> ResponseReturnValue:
    """A union nominates a station of its own; an organiser for the unit `?unit_id=` names."""
    user = _user()
    programme = programme_service.get_programme(programme_id)
    unit_id = request.args.get("unit_id", type=int)
    if is_organiser(user) and unit_id is None:
        # which union the organiser nominates for: a choice first
        return render_template(
            "awards/union_station_new.html",
            programme=programme,
            unit=None,
            units=programme_service.units(programme),
            deadline=nominations.deadline_text(programme),
            open=nominations.is_open(programme),
        )
    unit = policy.nominating_unit(user, programme, unit_id if is_organiser(user) else None)
    form = _station_form(programme)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            data = load(schemas.StationIn(), _station_body(form))
            data.pop("unit_id")
            station = nominations.create_station(
                programme, unit, nominations.StationSpec(**data), user
            )
            db.session.commit()
        except AppError as error:
            errors = show_refusal(form, error, headline=fix_marked())
        else:
            flash(_("站点已保存。请逐项填写“七有”材料，全部齐全后提交。"), "success")
            return redirect(url_for("web.station_page", station_id=station.id))
    elif request.method == "POST":
        errors = [fix_marked()]
    return render_template(
        "awards/union_station_new.html",
        programme=programme,
        unit=unit,
        form=form,
        errors=errors,
        deadline=nominations.deadline_text(programme),
        open=nominations.is_open(programme),
    ), form_status()


# ---------------------------------------------------------------- a station and its evidence
class EvidenceForm(FlaskForm):
    text = TextAreaField(lazy_gettext("文字材料"), validators=[Optional(), Length(max=4000)])


class FilesForm(FlaskForm):
    file = MultipleFileField(lazy_gettext("照片或 PDF"))


class ActionForm(FlaskForm):
    """A button that changes something (submit, remove a file): only the CSRF token."""


class HandBackForm(FlaskForm):
    reason = StringField(
        lazy_gettext("退回原因"),
        validators=[DataRequired(lazy_gettext("请填写退回原因")), Length(max=500)],
    )


def _station(station_id: int, edit: bool = False) -> Station:
    station = nominations.get_station(station_id)
    user = _user()
    if edit:
        policy.require_station_editor(user, station)
    else:
        policy.require_station_reader(user, station)
    return station


def _station_page(
    station: Station,
    form: StationForm | None = None,
    errors: list[str] | None = None,
    criterion_errors: dict[str, list[str]] | None = None,
    texts: dict[str, str] | None = None,
) -> ResponseReturnValue:
    user = _user()
    programme = station.unit.programme
    editable = (
        (is_organiser(user) or station.unit.user_id == user.id)
        and nominations.is_open(programme)
        and station.submitted_at is None
    )
    rows = []
    for criterion in programme.criteria:
        evidence = nominations.evidence_for(station, criterion)
        text_form = EvidenceForm(prefix=f"c-{criterion.key}", formdata=None)
        text_form.text.data = (texts or {}).get(criterion.key, evidence.text if evidence else "")
        rows.append(
            {
                "criterion": criterion,
                "evidence": evidence,
                "done": nominations.has_evidence(evidence),
                "text_form": text_form,
                "files_form": FilesForm(prefix=f"f-{criterion.key}", formdata=None),
                "errors": (criterion_errors or {}).get(criterion.key, []),
            }
        )
    return render_template(
        "awards/union_station.html",
        station=station,
        programme=programme,
        form=form or _station_form(programme, station),
        errors=errors or [],
        rows=rows,
        missing=nominations.missing_criteria(station),
        editable=editable,
        action_form=ActionForm(prefix="action"),
        hand_back_form=HandBackForm(prefix="back"),
        organiser=is_organiser(user),
        deadline=nominations.deadline_text(programme),
        open=nominations.is_open(programme),
        max_file=uploads.size_words(uploads.max_bytes()),
        per_criterion=uploads.per_criterion(),
    ), form_status()


@bp.route("/awards/stations/<int:station_id>", methods=["GET", "POST"])
@role_required(Role.UNION, Role.ORGANISER)
def station_page(station_id: int) -> ResponseReturnValue:
    """The station's fields (edited here) and its evidence, criterion by criterion. The
    panel reads the evidence on its review form (the review's pages), files through
    `station_file`."""
    station = _station(station_id, edit=request.method == "POST")
    programme = station.unit.programme
    if request.method == "GET":
        return _station_page(station)
    form = _station_form(programme, station)
    if not form.validate_on_submit():
        return _station_page(station, form, [fix_marked()])
    try:
        changes = load(schemas.StationPatch(), _station_body(form))
        nominations.update_station(station, changes, _user())
        db.session.commit()
    except AppError as error:
        errors = show_refusal(form, error, headline=fix_marked())
        return _station_page(nominations.get_station(station_id), form, errors)
    flash(_("站点信息已保存。"), "success")
    return redirect(url_for("web.station_page", station_id=station_id))


@bp.post("/awards/stations/<int:station_id>/evidence/<criterion_key>")
@role_required(Role.UNION, Role.ORGANISER)
def station_evidence_text(station_id: int, criterion_key: str) -> ResponseReturnValue:
    station = _station(station_id, edit=True)
    criterion = nominations.get_criterion(station, criterion_key)
    form = EvidenceForm(prefix=f"c-{criterion.key}")
    text = form.text.data or ""
    try:
        if not form.validate_on_submit():
            raise schemas_invalid(form.text.errors)
        data = load(schemas.EvidenceIn(), {"text": text})
        nominations.set_evidence_text(station, criterion, data["text"], _user())
        db.session.commit()
    except AppError as error:
        messages = show_refusal(None, error)
        station = nominations.get_station(station_id)
        return _station_page(
            station, criterion_errors={criterion.key: messages}, texts={criterion.key: text}
        )
    flash(_("“%(name)s”的文字材料已保存。", name=criterion.name), "success")
    return redirect(url_for("web.station_page", station_id=station_id) + f"#c-{criterion.key}")


def schemas_invalid(messages: list[str]) -> AppError:
    """A form's own check failed (a text too long, a lapsed CSRF token): as a 422 for the
    page, like a schema's refusal."""
    return Invalid(messages[0] if messages else fix_marked())


@bp.url_value_preprocessor
def _evidence_upload_limit(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """An upload of evidence may carry a criterion's worth of files, beyond the site's usual
    limit. Set before any hook reads the form (the CSRF check does, before the view)."""
    if endpoint == "web.station_evidence_files":
        request.max_content_length = uploads.request_limit()


@bp.post("/awards/stations/<int:station_id>/evidence/<criterion_key>/files")
@role_required(Role.UNION, Role.ORGANISER)
def station_evidence_files(station_id: int, criterion_key: str) -> ResponseReturnValue:
    """Photos or PDFs for one criterion; a refused batch is named on the page, nothing of it
    stored, and what was there stays."""
    station = _station(station_id, edit=True)
    criterion = nominations.get_criterion(station, criterion_key)
    form = FilesForm(prefix=f"f-{criterion.key}")
    try:
        if not form.validate_on_submit():
            raise schemas_invalid(list(form.errors.get("csrf_token", [])))
        received = [
            uploads.Upload(item.filename or "file", item.read(uploads.max_bytes() + 1))
            for item in form.file.data or []
            if item and item.filename
        ]
        added = uploads.add_files(station, criterion, received, _user())
        db.session.commit()
    except AppError as error:
        messages = show_refusal(None, error)
        station = nominations.get_station(station_id)
        return _station_page(station, criterion_errors={criterion.key: messages})
    flash(
        _("“%(name)s”已上传 %(count)d 个文件。", name=criterion.name, count=len(added)), "success"
    )
    return redirect(url_for("web.station_page", station_id=station_id) + f"#c-{criterion.key}")


@bp.post("/awards/files/<int:file_id>/delete")
@role_required(Role.UNION, Role.ORGANISER)
def station_file_delete(file_id: int) -> ResponseReturnValue:
    file = uploads.get_file(file_id)
    station = uploads.station_of(file)
    policy.require_station_editor(_user(), station)
    form = ActionForm(prefix="action")
    if not form.validate_on_submit():
        abort(400)
    station_id, key = station.id, file.evidence.criterion.key
    try:
        uploads.remove_file(file, _user())
        db.session.commit()
    except AppError as error:
        messages = show_refusal(None, error)
        return _station_page(nominations.get_station(station_id), errors=messages)
    flash(_("文件已删除。"), "success")
    return redirect(url_for("web.station_page", station_id=station_id) + f"#c-{key}")


@bp.get("/awards/files/<int:file_id>")
@role_required(Role.UNION, Role.ORGANISER, Role.EXPERT)
def station_file(file_id: int) -> ResponseReturnValue:
    """The file, to the organiser, the panel and the owning unit only."""
    file = uploads.get_file(file_id)
    policy.require_station_reader(_user(), uploads.station_of(file))
    return files.file_response(file)


@bp.post("/awards/stations/<int:station_id>/submit")
@role_required(Role.UNION, Role.ORGANISER)
def station_submit(station_id: int) -> ResponseReturnValue:
    station = _station(station_id, edit=True)
    form = ActionForm(prefix="action")
    if not form.validate_on_submit():
        abort(400)
    try:
        nominations.submit(station, _user())
        db.session.commit()
    except AppError as error:
        messages = show_refusal(None, error)
        return _station_page(nominations.get_station(station_id), errors=messages)
    flash(_("推荐已提交。"), "success")
    return redirect(url_for("web.station_page", station_id=station_id))


@bp.post("/awards/stations/<int:station_id>/hand-back")
@role_required(Role.ORGANISER)
def station_hand_back(station_id: int) -> ResponseReturnValue:
    station = _station(station_id, edit=True)
    form = HandBackForm(prefix="back")
    try:
        if not form.validate_on_submit():
            raise schemas_invalid(form.reason.errors)
        nominations.hand_back(station, form.reason.data.strip(), _user())
        db.session.commit()
    except AppError as error:
        messages = show_refusal(None, error)
        return _station_page(nominations.get_station(station_id), errors=messages)
    flash(_("已退回该站点的推荐，基层工会可以修改后重新提交。"), "success")
    return redirect(url_for("web.station_page", station_id=station_id))


# ---------------------------------------------------------------- import from a workbook
#: The file waits between the preview and the confirmation (`*.stations-upload`).
STASH = UploadStash(session_key="station_imports", suffix=".stations-upload", owner="programme_id")


class UploadForm(FlaskForm):
    file = FileField(
        lazy_gettext("站点名单（.xlsx 或 .csv）"),
        validators=[FileRequired(lazy_gettext("请选择要上传的文件"))],
    )


def _importer(programme_id: int) -> tuple[AwardProgramme, AwardUnit | None]:
    """The programme, and the unit a union imports for (None: the organiser, for any)."""
    user = _user()
    programme = programme_service.get_programme(programme_id)
    if is_organiser(user):
        return programme, None
    return programme, policy.nominating_unit(user, programme, None)


def _import_page(
    programme: AwardProgramme,
    unit: AwardUnit | None,
    form: UploadForm,
    errors: list[str],
    status: int,
) -> Response:
    body = render_template(
        "awards/union_import.html",
        programme=programme,
        unit=unit,
        form=form,
        errors=errors,
        limit_mb=limit_mb(),
        columns=imports.template_header(programme, unit is None),
    )
    return Response(body, status=status)


def _preview_page(
    programme: AwardProgramme,
    unit: AwardUnit | None,
    preview: imports.ImportPreview,
    token: str,
    filename: str,
) -> Response:
    body = render_template(
        "awards/union_import_preview.html",
        programme=programme,
        unit=unit,
        preview=preview,
        token=token,
        filename=filename,
    )
    return Response(body, status=200 if preview.can_store else 422)


@bp.route("/awards/programmes/<int:programme_id>/import", methods=["GET", "POST"])
@role_required(Role.UNION, Role.ORGANISER)
def station_import(programme_id: int) -> ResponseReturnValue:
    """Upload, then every row checked and shown before anything is stored."""
    programme, unit = _importer(programme_id)
    form = UploadForm()
    if not form.validate_on_submit():
        return _import_page(programme, unit, form, [], 422 if request.method == "POST" else 200)
    upload = form.file.data
    data, filename = upload.read(), os.path.basename(upload.filename or "upload.xlsx")
    try:
        preview = imports.preview(programme, unit, data, filename)
    except AppError as error:
        return _import_page(programme, unit, form, show_refusal(None, error), error.status)
    token = STASH.put(programme.id, data, filename)
    return _preview_page(programme, unit, preview, token, filename)


@bp.post("/awards/programmes/<int:programme_id>/import/confirm")
@role_required(Role.UNION, Role.ORGANISER)
def station_import_confirm(programme_id: int) -> ResponseReturnValue:
    """The file checked again from scratch (someone may have nominated meanwhile), then
    stored whole, or the preview again."""
    programme, unit = _importer(programme_id)
    token = request.form.get("token", "")
    stashed = STASH.get(programme.id, token)
    if stashed is None:
        flash(_("预览已过期，请重新上传文件。"), "error")
        return redirect(url_for("web.station_import", programme_id=programme.id))
    data, filename = stashed
    try:
        preview = imports.preview(programme, unit, data, filename)
        if not preview.can_store:
            return _preview_page(programme, unit, preview, token, filename)
        created = imports.store(programme, preview, _user())
        db.session.commit()
    except AppError as error:
        form = UploadForm(formdata=None)
        return _import_page(programme, unit, form, show_refusal(None, error), error.status)
    STASH.drop(token)
    flash(_("已导入 %(count)d 个站点。请逐个补充材料并提交。", count=len(created)), "success")
    if unit is None:
        return redirect(url_for("web.console_award_programme", programme_id=programme.id))
    return redirect(url_for("web.union_home"))


@bp.get("/awards/programmes/<int:programme_id>/import/template.xlsx")
@role_required(Role.UNION, Role.ORGANISER)
def station_import_template(programme_id: int) -> ResponseReturnValue:
    programme, unit = _importer(programme_id)
    header = imports.template_header(programme, unit is None)
    example = ["建国门环卫驿站", "东城区建国门内大街 18 号", "东城区", "李红", "13800000000",
               "24小时", programme.levels[0].name if programme.levels else ""]  # fmt: skip
    if unit is None:
        example.insert(0, programme.units[0].name if programme.units else "")
    example += ["" for _c in programme.criteria]
    sheet = Sheet(
        title="站点名单", header=header, rows=[example], widths=tuple(16 for _h in header)
    )
    return Response(
        write_xlsx([sheet]),
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="programme-{programme.id}-stations.xlsx"'
        },
    )
