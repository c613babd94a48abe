"""Reading the PDFs back the way a person would: their text (pdftotext), their pages as
pictures (pdftoppm), the fonts they embed, and a contest with a published final to print."""

from __future__ import annotations

import io
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from pypdf import PdfReader

from tests.factories import Api, build_world, judge, mark

EVENT = {
    "components": [
        {"key": "theory", "name": "理论知识", "weight": "0.30", "max_score": "100"},
        {"key": "practical", "name": "技能操作", "weight": "0.70", "max_score": "100"},
    ],
    "tie_breaks": ["practical"],
}


def pdf_text(pdf: bytes, first: int | None = None, last: int | None = None) -> str:
    """The text of a PDF in reading order (`pdftotext -layout`), optionally some pages."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        args = ["pdftotext", "-layout", "-enc", "UTF-8"]
        if first is not None:
            args += ["-f", str(first)]
        if last is not None:
            args += ["-l", str(last)]
        result = subprocess.run(
            [*args, str(path), "-"], capture_output=True, check=True, timeout=120
        )
        return result.stdout.decode("utf-8")


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def page_png(pdf: bytes, page: int = 1, dpi: int = 150) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                str(path),
                str(Path(folder) / "page"),
            ],
            check=True,
            timeout=120,
        )
        (png,) = Path(folder).glob("page*.png")
        return png.read_bytes()


def embedded_fonts(pdf: bytes) -> dict[str, set[int]]:
    """Each embedded font's name and the code points its own cmap maps to a glyph."""
    fonts: dict[str, set[int]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources") or {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts") or [font]:
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                for key in ("/FontFile3", "/FontFile2", "/FontFile"):
                    if key in descriptor:
                        data = descriptor[key].get_object().get_data()
                        name = str(font["/BaseFont"])
                        if name not in fonts:
                            fonts[name] = set(TTFont(io.BytesIO(data)).getBestCmap() or {})
    return fonts


def fonts_with(pdf: bytes, character: str) -> list[str]:
    """The embedded fonts whose cmap has `character`: it is drawn as itself, not a box."""
    return [name for name, cmap in embedded_fonts(pdf).items() if ord(character) in cmap]


@dataclass
class Final:
    """A contest whose final is published: units, finalists by rank, the panel's judge."""

    org: Api
    contest_id: int
    event_id: int
    units: list[int]
    ranked: list[dict[str, Any]]  # the final's results JSON ranking, best first
    judge: Api
    judge_id: int
    unit_judge: Api
    outsider: Api | None = None


def published_final(
    app: Any,
    client: Any,
    names: tuple[tuple[str, ...], ...] = (
        ("吕𠮷祥", "王堃", "赵喆", "钱燚"),
        ("张伟东", "刘晓燕", "陈静"),
    ),
    publish: bool = True,
) -> Final:
    """Units whose people are all finalists, marked so the final ranks them in a known order:
    the i-th person of the whole list scores 95 - 2i on both parts."""
    world = build_world(app, client, per_unit=tuple(0 for _ in names), event=EVENT)
    org, event_id = world.org, world.event_id
    people: list[int] = []
    for unit, unit_names in zip(world.units, names, strict=True):
        for name in unit_names:
            body = org.post(f"/events/{event_id}/contestants", {"name": name, "unit_id": unit})
            people.append(body["id"])
    judge_id, panel = judge(app, client, org, event_id, "chief", chief=True)
    _, unit_judge = judge(app, client, org, event_id, "committee", unit_id=world.units[0])
    for place, cid in enumerate(people):
        for key in ("theory", "practical"):
            mark(panel, event_id, "preliminary", cid, key, str(95 - 2 * place))
    for unit, unit_names in zip(world.units, names, strict=True):
        org.post(f"/events/{event_id}/finalists", {"unit_id": unit, "count": len(unit_names)})
    org.post(f"/events/{event_id}/rounds/preliminary/publish", status=200)
    for place, cid in enumerate(people):
        for key in ("theory", "practical"):
            mark(panel, event_id, "final", cid, key, str(95 - 2 * place))
    if publish:
        org.post(f"/events/{event_id}/rounds/final/publish", status=200)
    ranked = org.get(f"/events/{event_id}/rounds/final/results")["ranking"]
    return Final(
        org=org,
        contest_id=world.contest_id,
        event_id=event_id,
        units=world.units,
        ranked=ranked,
        judge=panel,
        judge_id=judge_id,
        unit_judge=unit_judge,
    )
