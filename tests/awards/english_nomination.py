"""The nomination side of the English pages' world (tests/contest/web/console/test_english.py):
a union account linked to the first unit, and an evidence file on the first station (stored
directly: the world's stations are submitted and reviewed already)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from competition.awards import uploads
from competition.extensions import db
from competition.models import AwardCriterion, AwardUnit, EvidenceFile, Station, StationEvidence
from tests.awards.helpers import PNG
from tests.support.factories import make_user

#: Who opens the union's pages in the English world.
UNION = "station_union"


def english_nomination(app: Flask, programme_id: int) -> dict[str, int]:
    union_id = make_user(app, UNION, "union")
    with app.app_context():
        unit = db.session.scalars(
            select(AwardUnit).where(AwardUnit.programme_id == programme_id).order_by(AwardUnit.id)
        ).first()
        assert unit is not None
        unit.user_id = union_id
        station = db.session.scalars(
            select(Station).where(Station.unit_id == unit.id).order_by(Station.id)
        ).first()
        criterion = db.session.scalars(
            select(AwardCriterion).where(AwardCriterion.programme_id == programme_id)
        ).first()
        assert station is not None and criterion is not None
        evidence = StationEvidence(station_id=station.id, criterion_id=criterion.id, text="A shop")
        db.session.add(evidence)
        db.session.flush()
        digest = hashlib.sha256(PNG).hexdigest()
        (Path(uploads.folder()) / f"{digest}.png").write_bytes(PNG)
        file = EvidenceFile(
            evidence_id=evidence.id, filename="front.png", content_type="image/png",
            size=len(PNG), sha256=digest, stored_name=f"{digest}.png",
        )  # fmt: skip
        db.session.add(file)
        db.session.commit()
        return {"file_id": file.id, "station_id": station.id}
