"""A file to download (a printed document or a workbook) as a feature's documents layer hands it
to both of its faces. The page and the API each turn it into a response with
`competition.http.responses.download_response`, so the two give the same file under the same
name with the same caching."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Download:
    """The file's bytes, the name it is saved under, its type, and whether it is `private`:
    personal data, or a list not published yet, that no shared cache may keep."""

    body: bytes
    filename: str
    mimetype: str
    private: bool = True

    @property
    def inline(self) -> bool:
        """A PDF opens in the browser (the user may save it); a workbook is saved."""
        return self.mimetype == PDF


def file_name_part(text: str, fallback: str) -> str:
    """Text typed by someone (a cohort's name) as part of a file name: control characters (a line
    break) cannot go into a header, and path separators have no place in a file name."""
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" and ch not in "/\\")
    return kept.strip() or fallback
