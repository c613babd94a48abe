"""PDFs read back the way a person would: their text (pdftotext), their pages as pictures
(pdftoppm) and the fonts they embed."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

from fontTools.ttLib import TTFont
from pypdf import PdfReader


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
