"""Big batches laid out across processes and written to disk, never held whole in memory
(issue #22).

A batch arrives as `Part`s: HTML documents already made from templates (plain text, no ORM
object, no database), each a few dozen pages. Worker processes lay each part out and write it
as its own PDF in a temporary folder; the calling process joins the parts, in order, into one
PDF streamed to a file (`PdfJoiner`) or packs groups of them (one PDF per unit) into a ZIP.
At any moment memory holds a few parts' HTML and one part's PDF objects, whatever the size
of the batch.

Why processes: WeasyPrint is pure Python under the GIL, so threads would not help; each
worker keeps its own font configuration warm (`competition.pdf.render`). Workers are started
by the 'forkserver' method: a clean process that has imported WeasyPrint once, forked for
each worker, so a worker starts in milliseconds, shares nothing with the app's database
connections or threads, and never forks a process that holds locks.

The cost of joining: each part embeds its own font subset (one `write_pdf` per part), so the
joined file is larger than one `write_pdf` of the whole batch would make; parts of about a
hundred pages keep that to a few per cent.

This module is below `competition.contest`: it knows HTML and PDF files, not certificates.
"""

from __future__ import annotations

import concurrent.futures
import io
import math
import multiprocessing
import os
import re
import tempfile
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from competition.core.downloads import file_name_part
from competition.pdf import render

#: Pages per part at most: each part pays WeasyPrint's set-up (style sheets, a font subset)
#: once, and is one step of the progress bar.
PART_PAGES = 100
#: Pages per part at least: smaller parts would spend more on set-up than they save.
PART_PAGES_MIN = 25


@dataclass(frozen=True)
class Part:
    """One HTML document of `pages` pages (one per certificate), laid out as one PDF."""

    html: str
    pages: int


def part_size(count: int, processes: int) -> int:
    """Pages per part for a batch of `count`: about four parts per process, so the processes
    finish together, between PART_PAGES_MIN and PART_PAGES."""
    if count <= 0:
        return PART_PAGES
    wanted = math.ceil(count / (max(1, processes) * 4))
    return max(PART_PAGES_MIN, min(PART_PAGES, wanted))


def default_processes() -> int:
    """One process per core (`PDF_PROCESSES` overrides it in the app's settings)."""
    return os.cpu_count() or 1


# ---------------------------------------------------------------- laying out
def _lay_out(html: str, path: str) -> int:
    """In a worker (or in this process): one part → one PDF file. Returns its size."""
    body = render.render_pdf_parts([html])
    with open(path, "wb") as out:
        out.write(body)
    return len(body)


def _warm() -> None:
    """A worker's start: fonts and the style sheet loaded before its first part."""
    render.serif_coverage()
    render._html_class()


_context: Any = None


def _mp_context() -> Any:
    global _context
    if _context is None:
        methods = multiprocessing.get_all_start_methods()
        _context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            _context.set_forkserver_preload(["competition.pdf.render", "weasyprint"])
    return _context


def lay_out(
    parts: Iterable[Part],
    folder: Path,
    processes: int,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Path]:
    """Each part's PDF, in the parts' order, as soon as it and those before it are written.

    `processes` > 1: worker processes lay the parts out, at most two parts per process
    waiting or in work (the parts are consumed lazily, so their HTML is made as it is
    needed); 1: this process does it. `progress(pages)` is called as each part is done.
    """
    numbered = ((folder / f"part-{index:05d}.pdf", part) for index, part in enumerate(parts))
    if processes <= 1:
        for path, part in numbered:
            _lay_out(part.html, str(path))
            if progress is not None:
                progress(part.pages)
            yield path
        return
    window: deque[tuple[Path, int, concurrent.futures.Future[int]]] = deque()
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=processes, mp_context=_mp_context(), initializer=_warm
    ) as pool:
        try:
            for path, part in numbered:
                window.append((path, part.pages, pool.submit(_lay_out, part.html, str(path))))
                while len(window) >= processes * 2:
                    yield _collect(window.popleft(), progress)
            while window:
                yield _collect(window.popleft(), progress)
        except BaseException:
            for _path, _pages, future in window:
                future.cancel()
            raise


def _collect(
    item: tuple[Path, int, concurrent.futures.Future[int]],
    progress: Callable[[int], None] | None,
) -> Path:
    path, pages, future = item
    future.result()  # a worker's error (missing glyphs, a refused URL) is raised here
    if progress is not None:
        progress(pages)
    return path


# ---------------------------------------------------------------- joining
_REFERENCE = re.compile(rb"(\d+)\s+(\d+)\s+R(?![A-Za-z])")
_PARENT = re.compile(rb"/Parent\s+\d+\s+\d+\s+R")
_HEADER = re.compile(rb"\s*\d+\s+\d+\s+obj\b\s*")
_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_KIDS_ROOT = re.compile(rb"/Pages\s+(\d+)\s+\d+\s+R")
_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


class PdfJoiner:
    """PDF files appended one after the other into one PDF written to `out` as it goes.

    Each file's pages and what they use (fonts, images, content streams) are copied object by
    object, byte for byte, with new numbers; only the byte offsets and the pages' numbers stay
    in memory. pypdf reads each file's cross-reference table, trailer and page tree; the
    objects themselves are copied without being parsed: a CJK font's width table alone is
    tens of thousands of numbers, which pypdf would parse one Python object at a time (about
    2 s a part), where a regular expression over the bytes rewrites the references in
    milliseconds. That relies on what WeasyPrint (pydyf) writes: dictionaries without the
    word "stream" or a "n g R" inside their strings, direct stream lengths.
    """

    CATALOG, PAGES = 1, 2

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.offsets: dict[int, int] = {}
        self.kids: list[int] = []
        self.next_number = 3
        self.info: bytes | None = None
        self.lang: bytes | None = None
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def add(self, path: Path) -> int:
        """Append the pages of the PDF at `path`; returns how many."""
        from pypdf import PdfReader

        data = path.read_bytes()
        reader = PdfReader(io.BytesIO(data))
        objects = _RawObjects(reader, data)
        if self.info is None:
            self.info = _info_dictionary(reader)
            lang = reader.trailer["/Root"].get("/Lang")
            self.lang = None if lang is None else _pdf_string(str(lang))
        pages = objects.pages(dict.__getitem__(reader.trailer, "/Root").idnum)
        numbers: dict[int, int] = {}
        order: list[int] = []
        stack = list(reversed(pages))
        while stack:
            number = stack.pop()
            if number in numbers:
                continue
            numbers[number] = self.next_number
            self.next_number += 1
            order.append(number)
            dictionary, _stream = objects.get(number)
            if number in pages or _PAGE.search(dictionary):
                dictionary = _PARENT.sub(b"", dictionary)
            stack.extend(int(m.group(1)) for m in _REFERENCE.finditer(dictionary))

        def renumbered(match: re.Match[bytes]) -> bytes:
            return b"%d 0 R" % numbers[int(match.group(1))]

        page_set = set(pages)
        for number in order:
            dictionary, stream = objects.get(number)
            if number in page_set:
                dictionary = _PARENT.sub(b"", dictionary)
                dictionary = _REFERENCE.sub(renumbered, dictionary)
                dictionary = dictionary.replace(b"<<", b"<< /Parent %d 0 R" % self.PAGES, 1)
            else:
                dictionary = _REFERENCE.sub(renumbered, dictionary)
            self._write(numbers[number], dictionary, stream)
        self.kids.extend(numbers[page] for page in pages)
        return len(pages)

    def _write(self, number: int, dictionary: bytes, stream: bytes | None = None) -> None:
        self.offsets[number] = self.out.tell()
        self.out.write(b"%d 0 obj\n" % number)
        self.out.write(dictionary)
        if stream is not None:
            self.out.write(b"\nstream\n")
            self.out.write(stream)
            self.out.write(b"\nendstream")
        self.out.write(b"\nendobj\n")

    def close(self) -> int:
        """Write the page tree, the catalogue and the cross-reference table; returns the
        number of pages."""
        if not self.kids:
            raise ValueError("nothing to join")
        kids = b" ".join(b"%d 0 R" % kid for kid in self.kids)
        self._write(self.PAGES, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self.kids)))
        lang = b"" if self.lang is None else b" /Lang " + self.lang
        self._write(self.CATALOG, b"<< /Type /Catalog /Pages %d 0 R%s >>" % (self.PAGES, lang))
        info_number = self.next_number
        self._write(info_number, self.info or b"<< >>")
        size = info_number + 1
        start = self.out.tell()
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        for number in range(1, size):
            offset = self.offsets.get(number)
            lines.append(
                b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 65535 f \n"
            )
        self.out.write(b"".join(lines))
        self.out.write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, self.CATALOG, info_number, start)
        )
        return len(self.kids)


class _RawObjects:
    """A PDF's objects as bytes: (dictionary or other value, stream data or None)."""

    def __init__(self, reader: Any, data: bytes) -> None:
        self.reader = reader
        self.data = data
        self.offsets: dict[int, int] = {}
        for by_number in reader.xref.values():
            self.offsets.update(by_number)
        self.in_streams: dict[int, tuple[int, int]] = dict(reader.xref_objStm)
        self.streams: dict[int, tuple[bytes, list[tuple[int, int]]]] = {}

    def get(self, number: int) -> tuple[bytes, bytes | None]:
        if number in self.in_streams:
            container, index = self.in_streams[number]
            body, table = self._object_stream(container)
            start = table[index][1]
            end = table[index + 1][1] if index + 1 < len(table) else len(body)
            return body[start:end].strip(), None
        offset = self.offsets[number]
        header = _HEADER.match(self.data, offset)
        if header is None:
            raise ValueError(f"object {number} is not where the table says")
        begin = header.end()
        end = self.data.index(b"endobj", begin)
        stream = _STREAM.search(self.data, begin, end + 6)
        if stream is None:
            return self.data[begin:end].strip(), None
        dictionary = self.data[begin : stream.start() + 2]
        length = _LENGTH.search(dictionary)
        if length is None:
            raise ValueError(f"object {number}: a stream without a direct length")
        size = int(length.group(1))
        return dictionary, self.data[stream.end() : stream.end() + size]

    def pages(self, catalog: int) -> list[int]:
        """The numbers of the page objects, in order, read from the page tree's bytes (pypdf's
        own reading of the pages parses every page's resources: most of the time of a join)."""
        found: list[int] = []
        root = _KIDS_ROOT.search(self.get(catalog)[0])
        if root is None:
            raise ValueError("a PDF without a page tree")
        stack = [int(root.group(1))]
        while stack:
            number = stack.pop()
            dictionary = self.get(number)[0]
            kids = _KIDS.search(dictionary)
            if kids is None:
                found.append(number)
            else:
                stack.extend(
                    reversed([int(m.group(1)) for m in _REFERENCE.finditer(kids.group(1))])
                )
        return found

    def _object_stream(self, number: int) -> tuple[bytes, list[tuple[int, int]]]:
        if number not in self.streams:
            stream = self.reader.get_object(number)
            body = stream.get_data()
            first, count = int(stream["/First"]), int(stream["/N"])
            pairs = body[:first].split()
            table = [(int(pairs[2 * i]), int(pairs[2 * i + 1])) for i in range(count)]
            self.streams[number] = (body[first:], table)
        return self.streams[number]


_INFO_KEYS = ("/Title", "/Producer", "/Author", "/Subject", "/Creator")


def _pdf_string(text: str) -> bytes:
    """A text string as PDF writes it: UTF-16 with its byte-order mark, in hexadecimal."""
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().encode() + b">"


def _info_dictionary(reader: Any) -> bytes:
    info = reader.trailer.get("/Info")
    entries = [] if info is None else list(info.get_object().items())
    kept = b" ".join(
        key.encode() + b" " + _pdf_string(str(value)) for key, value in entries if key in _INFO_KEYS
    )
    return b"<< " + kept + b" >>"


# ---------------------------------------------------------------- the two layouts
def render_to_file(
    parts: Iterable[Part],
    target: Path,
    processes: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """All parts as one PDF at `target` (written beside it, then renamed into place).
    Returns the number of pages."""
    with tempfile.TemporaryDirectory(prefix="pdf-parts-") as folder:
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with open(temporary, "wb") as out:
                joiner = PdfJoiner(out)
                for path in lay_out(parts, Path(folder), processes, progress):
                    joiner.add(path)
                    path.unlink()
                pages = joiner.close()
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    return pages


def render_groups_to_zip(
    groups: Iterable[tuple[str, Iterable[Part]]],
    target: Path,
    processes: int,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """One PDF per group (e.g. per unit), named after it (`safe_file_name`), packed into a
    ZIP at `target`. Returns the names in the archive, in the groups' order; a group without
    parts has no file.

    All groups' parts go through one pool, so small groups still keep every process busy;
    one group's PDF at a time is joined on disk, then added to the archive.
    """
    group_names: list[str] = []
    group_of: list[int] = []  # the group of each part, by the part's position

    def flattened() -> Iterator[Part]:
        for group, (name, parts) in enumerate(groups):
            group_names.append(name)
            for part in parts:
                group_of.append(group)
                yield part

    names: list[str] = []
    taken: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="pdf-parts-") as folder:
        scratch = Path(folder)
        joined_path = scratch / "group.pdf"
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
                current: int | None = None
                joined: IO[bytes] | None = None
                joiner: PdfJoiner | None = None

                def finish() -> None:
                    assert joined is not None and joiner is not None and current is not None
                    joiner.close()
                    joined.close()
                    name = safe_file_name(group_names[current], taken) + ".pdf"
                    archive.write(joined_path, name)
                    names.append(name)

                for index, path in enumerate(lay_out(flattened(), scratch, processes, progress)):
                    if group_of[index] != current:
                        if joiner is not None:
                            finish()
                        current = group_of[index]
                        joined = open(joined_path, "wb")  # noqa: SIM115 (closed by finish)
                        joiner = PdfJoiner(joined)
                    assert joiner is not None
                    joiner.add(path)
                    path.unlink()
                if joiner is not None:
                    finish()
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    return names


#: Characters no file name may hold on some system the ZIP is opened on (Windows' list, and
#: the path separators everywhere).
_UNSAFE = str.maketrans({ch: "_" for ch in '<>:"/\\|?*'})


def safe_file_name(name: str, taken: set[str] | None = None, limit: int = 80) -> str:
    """`name` (a unit's name) as a file name in an archive, without its extension: no path
    separators, no characters Windows refuses, no control characters, no leading dot (no
    hidden file, no "..") and at most `limit` characters; "-2", "-3" … when it is `taken`
    already (two units whose names differ only in such characters). Chinese stays Chinese;
    the name is used as stored (normalised when it was typed), not normalised again."""
    kept = file_name_part(name, "unit").translate(_UNSAFE)
    kept = kept.strip().lstrip(".").strip()[:limit] or "unit"
    chosen, number = kept, 1
    while taken is not None and chosen.casefold() in taken:
        number += 1
        chosen = f"{kept}-{number}"
    if taken is not None:
        taken.add(chosen.casefold())
    return chosen
