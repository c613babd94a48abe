"""Evidence files of a nomination: photos (JPEG, PNG) and PDFs.

The type is read from the file's first bytes (its magic number), never from its name or the
type the browser claims: a program renamed `photo.jpg` is refused. Each file and each
criterion has a limit (settings `AWARD_FILE_MAX_BYTES`, `AWARD_FILES_PER_CRITERION`); a batch
with one bad file is refused whole, with the file and the limit named, and nothing already
stored is touched. The bytes go to the upload folder (`AWARD_UPLOAD_FOLDER`) under their
SHA-256, never under the name given, which is only ever displayed.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from competition.awards import nominations
from competition.core import audit
from competition.core.errors import AppError, BadRequest, Conflict
from competition.extensions import db
from competition.models import AwardCriterion, EvidenceFile, Station, User

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_PER_CRITERION = 10

#: (magic number, content type, extension) of what may be uploaded.
KINDS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
ALLOWED_WORDS = "JPEG、PNG 照片或 PDF"


class TooLarge(AppError):
    status = 413


class UnsupportedType(AppError):
    status = 415


@dataclass(frozen=True)
class Upload:
    """A file as received: the name given (display only) and its bytes."""

    filename: str
    data: bytes


def max_bytes() -> int:
    return int(current_app.config.get("AWARD_FILE_MAX_BYTES") or DEFAULT_MAX_BYTES)


def per_criterion() -> int:
    return int(current_app.config.get("AWARD_FILES_PER_CRITERION") or DEFAULT_PER_CRITERION)


def request_limit() -> int:
    """The most one upload request may carry: a criterion's worth of files, and room for the
    form around them."""
    return max_bytes() * per_criterion() + 64 * 1024


def folder() -> Path:
    configured = current_app.config.get("AWARD_UPLOAD_FOLDER")
    path = Path(configured) if configured else Path(current_app.instance_path) / "award-files"
    path.mkdir(parents=True, exist_ok=True)
    return path


def size_words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, size // 1024)} KB"


def detect(data: bytes) -> tuple[str, str] | None:
    """The content type and extension the bytes are, or None for anything else."""
    for magic, content_type, extension in KINDS:
        if data.startswith(magic):
            return content_type, extension
    return None


def display_name(filename: str) -> str:
    """The name given, for display only: no folders, no control characters, at most 200."""
    name = os.path.basename(filename.replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return (name or "file")[-200:]


def check(uploads: list[Upload], already: int) -> list[tuple[Upload, str, str]]:
    """Each file's type, or the refusal of the batch naming the file and the limit: 400 for
    no file or an empty one, 415 for a type not allowed, 413 for a file over the size
    limit, 409 when the criterion would hold more files than allowed."""
    if not uploads:
        raise BadRequest("请选择要上传的文件（字段名 file）", {"file": ["必填"]})
    limit = max_bytes()
    checked = []
    for upload in uploads:
        name = display_name(upload.filename)
        if not upload.data:
            raise BadRequest(f"文件“{name}”是空的", {"file": [f"{name}：文件为空"]})
        if len(upload.data) > limit:
            message = (
                f"文件“{name}”有 {size_words(len(upload.data))}，超过了每个文件 "
                f"{size_words(limit)} 的上限"
            )
            raise TooLarge(message, {"file": [message]})
        kind = detect(upload.data)
        if kind is None:
            message = f"文件“{name}”不是 {ALLOWED_WORDS}（按文件内容判断，与文件名无关）"
            raise UnsupportedType(message, {"file": [message]})
        checked.append((Upload(name, upload.data), kind[0], kind[1]))
    allowed = per_criterion()
    if already + len(uploads) > allowed:
        message = (
            f"每项标准最多 {allowed} 个文件：已有 {already} 个，"
            f"这次上传的 {len(uploads)} 个没有保存"
        )
        raise Conflict(message, {"file": [message]}, code="too_many_files")
    return checked


def add_files(
    station: Station, criterion: AwardCriterion, uploads: list[Upload], actor: User
) -> list[EvidenceFile]:
    """Check the batch, then store every file of it (or none, with the refusal)."""
    already = len(nominations.files_of(station, criterion))
    checked = check(uploads, already)
    station = nominations.require_editable(station)
    already = len(nominations.files_of(station, criterion))
    check(uploads, already)  # again under the lock: another upload may have come in
    evidence = nominations.evidence_row(station, criterion)
    added = []
    for upload, content_type, extension in checked:
        digest = hashlib.sha256(upload.data).hexdigest()
        stored_name = digest + extension
        path = folder() / stored_name
        if not path.exists():
            partial = path.with_suffix(path.suffix + ".part")
            partial.write_bytes(upload.data)
            partial.replace(path)
        file = EvidenceFile(
            evidence_id=evidence.id,
            filename=upload.filename,
            content_type=content_type,
            size=len(upload.data),
            sha256=digest,
            stored_name=stored_name,
            uploaded_by_id=actor.id,
        )
        db.session.add(file)
        added.append(file)
    nominations.touch(station)
    db.session.flush()
    db.session.expire(evidence, ["files"])
    audit.record(
        "award.evidence.files",
        actor,
        details={
            "programme_id": station.programme_id,
            "station_id": station.id,
            "criterion": criterion.key,
            "files": [{"name": f.filename, "sha256": f.sha256, "size": f.size} for f in added],
        },
    )
    return added


def get_file(file_id: int) -> EvidenceFile:
    from competition.core.errors import NotFound

    file = db.session.get(EvidenceFile, file_id)
    if file is None:
        raise NotFound("未找到该文件")
    return file


def station_of(file: EvidenceFile) -> Station:
    return file.evidence.station


def read(file: EvidenceFile) -> bytes:
    from competition.core.errors import NotFound

    path = folder() / file.stored_name
    if not path.is_file():
        raise NotFound("文件已不在存储目录中，请重新上传")
    return path.read_bytes()


def remove_file(file: EvidenceFile, actor: User) -> None:
    """Take a file off the nomination (open and not submitted). The bytes stay on disk:
    another nomination may hold the same file under the same SHA-256."""
    station = nominations.require_editable(station_of(file))
    audit.record(
        "award.evidence.file_removed",
        actor,
        details={
            "programme_id": station.programme_id,
            "station_id": station.id,
            "name": file.filename,
            "sha256": file.sha256,
        },
    )
    evidence = file.evidence
    db.session.delete(file)
    nominations.touch(station)
    db.session.flush()
    db.session.expire(evidence, ["files"])
