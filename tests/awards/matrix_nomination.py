"""The nomination side of the authorization matrix's world (tests/contest/api/
test_authorization_matrix.py): the `uni` caller's account linked to the unit of the world's
station, an evidence file for the rows that read or remove one, and the bodies of the rows
that nominate (each call a new station, since every caller who may is answered 201)."""

from __future__ import annotations

import hashlib
import io
from itertools import count
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select

from competition.awards import uploads
from competition.extensions import db
from competition.models import (
    AwardCriterion,
    AwardUnit,
    EvidenceFile,
    Station,
    StationEvidence,
)
from tests.awards.helpers import JPEG

_names = count(1)


def link_union(user_id: int, station_id: int) -> dict[str, int]:
    """The union account `user_id` is the account of the station's unit."""
    station = db.session.get(Station, station_id)
    assert station is not None
    unit = db.session.get(AwardUnit, station.unit_id)
    assert unit is not None
    unit.user_id = user_id
    db.session.flush()
    return {"award_unit": unit.id}


def evidence_file(station_id: int) -> int:
    """A photo for the station's first criterion (made directly: the station is submitted),
    its bytes in the upload folder; the same one for every caller."""
    found = db.session.scalar(
        select(EvidenceFile.id)
        .join(StationEvidence, StationEvidence.id == EvidenceFile.evidence_id)
        .where(StationEvidence.station_id == station_id)
    )
    if found is not None:
        return found
    station = db.session.get(Station, station_id)
    assert station is not None
    criterion = db.session.scalars(
        select(AwardCriterion)
        .where(AwardCriterion.programme_id == station.programme_id)
        .order_by(AwardCriterion.position)
    ).first()
    assert criterion is not None
    evidence = StationEvidence(station_id=station.id, criterion_id=criterion.id, text="临街门面")
    db.session.add(evidence)
    db.session.flush()
    digest = hashlib.sha256(JPEG).hexdigest()
    (Path(uploads.folder()) / f"{digest}.jpg").write_bytes(JPEG)
    file = EvidenceFile(
        evidence_id=evidence.id, filename="门面.jpg", content_type="image/jpeg",
        size=len(JPEG), sha256=digest, stored_name=f"{digest}.jpg",
    )  # fmt: skip
    db.session.add(file)
    db.session.flush()
    return file.id


def new_station(award_unit_id: int) -> dict[str, Any]:
    return {
        "unit_id": award_unit_id,
        "level": "national",
        "name": f"新驿站{next(_names)}",
        "address": "东城区东四北大街 107 号",
        "district": "东城区",
    }


def station_workbook() -> tuple[str, bytes]:
    """A workbook of one new station of 基层工会1 (the world's unit 1)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["基层工会", "站点名称", "地址", "所在区", "申报等级", "有场地"])
    sheet.append(["基层工会1", f"导入驿站{next(_names)}", "地址", "东城区", "全国", "临街"])
    buffer = io.BytesIO()
    book.save(buffer)
    return "stations.xlsx", buffer.getvalue()
