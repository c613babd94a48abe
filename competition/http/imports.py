"""An import's pages: upload a spreadsheet, preview every row, confirm.

The console's imports (contestants, judges, finalists, a results sheet) all work this way. The
upload page hands the file to the feature's service, which checks every row and stores
nothing; the preview shows them (422 while a row stops the file) and the file waits in an
`UploadStash` meanwhile. The confirmation checks the file again from scratch, since someone
may have changed things in between, stores it whole, and drops it. An `ImportPage` is that
flow for one import; the feature's views keep their routes and call `upload` and `confirm`.

Each page is known by its upload endpoint (`page_for`), so that an upload over the size limit
(MAX_CONTENT_LENGTH) can be answered on the import page itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from competition.core.errors import AppError
from competition.core.i18n import _
from competition.extensions import db
from competition.http.pages import current_organiser, show_refusal
from competition.http.upload_stash import UploadStash
from competition.models import User


class Preview(Protocol):
    """What the pages need of a service's preview: whether it can be stored as it is."""

    @property
    def can_store(self) -> bool: ...


P = TypeVar("P", bound=Preview)
R = TypeVar("R")

_PAGES: dict[str, ImportPage[Any, Any]] = {}


def limit_mb() -> int:
    """The upload size limit in whole megabytes, as the pages state it."""
    return int(current_app.config["MAX_CONTENT_LENGTH"]) // (1024 * 1024)


def plain_form(form_class: type[FlaskForm]) -> Callable[[Any, bool], FlaskForm]:
    """The `form` of an import whose upload form needs nothing of what it is for."""
    return lambda _owner, fresh: form_class(formdata=None) if fresh else form_class()


def page_for(endpoint: str | None) -> ImportPage[Any, Any] | None:
    """The import whose upload page `endpoint` is, if any."""
    return _PAGES.get(endpoint or "")


@dataclass(frozen=True)
class ImportPage(Generic[P, R]):
    """One import's upload, preview and confirmation, registered under `endpoint` (its upload
    page's, where an expired preview sends the organiser back).

    The `stash`'s owner names the view argument (`event_id`); the templates get the owner
    under that name without `_id` (`event`), the upload page with `form`, `errors` and
    `limit_mb`, the preview with `preview`, `token`, `filename` and `preview_context`'s.

    - `form(owner, fresh)`: the upload form; `fresh` ignores what was posted.
    - `preview(owner, data, filename)`: the service's check of the file (with whatever else
      the page posted); nothing is stored.
    - `store(owner, checked, organiser, filename)`: the service's storing of a preview that
      can be stored; the page commits.
    - `done(owner, checked, stored)`: the answer once it is stored.
    - `form_refusals`: a refusal of the upload puts its field messages on the form's fields.
    - `recheck`: a confirmation posted with `recheck=yes` shows the preview again instead of
      storing (after the organiser changed a choice the preview was made with).
    - `context(owner)`: more for both pages' templates, from what the URL names beside the
      owner (the component a scheme is imported for).
    - `job`: for a file too big to store in one request, a job that stores it (see above).
    """

    endpoint: str
    stash: UploadStash
    upload_template: str
    preview_template: str
    form: Callable[[Any, bool], FlaskForm]
    preview: Callable[[Any, bytes, str], P]
    store: Callable[[Any, P, User, str], R]
    done: Callable[[Any, P, R], ResponseReturnValue]
    preview_context: Callable[[Any, P], dict[str, Any]] | None = None
    form_refusals: bool = False
    recheck: bool = False
    context: Callable[[Any], dict[str, Any]] | None = None
    #: `job(owner, checked, organiser, data, filename)`: a big import handed to a worker
    #: (a Job, then shown on its page), or None to store it here and now.
    job: Callable[[Any, P, User, bytes, str], Any] | None = None

    def __post_init__(self) -> None:
        _PAGES[self.endpoint] = self

    # ------------------------------------------------------------ the views
    def upload(self, owner: Any) -> Response:
        """The upload page (GET), or the preview of the file it posted."""
        form = self.form(owner, False)
        if not form.validate_on_submit():
            return self.upload_page(owner, form, [], 422 if request.method == "POST" else 200)
        upload = form.file.data  # type: ignore[attr-defined]
        data, filename = upload.read(), os.path.basename(upload.filename or "upload")
        try:
            checked = self.preview(owner, data, filename)
        except AppError as error:
            errors = show_refusal(form if self.form_refusals else None, error)
            return self.upload_page(owner, form, errors, error.status)
        token = self.stash.put(owner.id, data, filename)
        return self.preview_page(owner, checked, token, filename)

    def confirm(self, owner: Any) -> ResponseReturnValue:
        """The confirmation of a preview: its file checked again, then stored whole."""
        token = request.form.get("token", "")
        stashed = self.stash.get(owner.id, token)
        if stashed is None:
            flash(_("预览已过期，请重新上传文件。"), "error")
            # The upload page takes what the confirmation's URL names (the owner, and any more).
            arguments = dict(request.view_args or {}) or {self.stash.owner: owner.id}
            return redirect(url_for(self.endpoint, **arguments))
        data, filename = stashed
        try:
            checked = self.preview(owner, data, filename)
            if (self.recheck and request.form.get("recheck") == "yes") or not checked.can_store:
                return self.preview_page(owner, checked, token, filename)
            started = (
                self.job(owner, checked, current_organiser(), data, filename) if self.job else None
            )
            if started is not None:  # checked here, stored by the worker, all or nothing
                self.stash.drop(token)
                return redirect(url_for("web.console_job", job_id=started.id))
            stored = self.store(owner, checked, current_organiser(), filename)
            db.session.commit()
        except AppError as error:
            form = self.form(owner, True)
            return self.upload_page(owner, form, show_refusal(None, error), error.status)
        self.stash.drop(token)
        return self.done(owner, checked, stored)

    def too_large(self, owner: Any, message: str) -> Response:
        """The upload page saying that the file was over the limit (413)."""
        return self.upload_page(owner, self.form(owner, True), [message], 413)

    # ------------------------------------------------------------ the pages
    def upload_page(self, owner: Any, form: FlaskForm, errors: list[str], status: int) -> Response:
        body = render_template(
            self.upload_template,
            form=form,
            errors=errors,
            limit_mb=limit_mb(),
            **{self._owner_name: owner},
            **(self.context(owner) if self.context else {}),
        )
        return Response(body, status=status)

    def preview_page(self, owner: Any, checked: P, token: str, filename: str) -> Response:
        extra = self.preview_context(owner, checked) if self.preview_context else {}
        body = render_template(
            self.preview_template,
            preview=checked,
            token=token,
            filename=filename,
            **{self._owner_name: owner},
            **(self.context(owner) if self.context else {}),
            **extra,
        )
        return Response(body, status=200 if checked.can_store else 422)

    @property
    def _owner_name(self) -> str:
        return self.stash.owner.removesuffix("_id")
