"""``plannlp extract``: print a file's text as plannlp reads it (for people debugging a PDF)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..errors import UsageError

_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


def parse_pages(spec: str | None, count: int) -> list[int]:
    """``3``, ``3-5``, ``1,4-6`` → page numbers (1-based, within the document)."""
    if not spec:
        return list(range(1, count + 1))
    numbers: list[int] = []
    for part in spec.split(","):
        m = _RANGE.match(part)
        if not m:
            raise UsageError(f"--pages {spec!r}: give page numbers such as 3, 3-5 or 1,4-6.")
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if first < 1 or last < first:
            raise UsageError(f"--pages {spec!r}: {part.strip()} is not a range of pages from 1.")
        numbers.extend(n for n in range(first, last + 1) if n <= count)
    if not numbers:
        raise UsageError(f"--pages {spec!r}: the document has {count} page(s).")
    return sorted(set(numbers))


@click.command("extract")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--pages", "pages_spec", default=None, metavar="N|N-M[,…]",
              help="Only these pages (1-based), e.g. 3-5 or 1,4-6.")
@click.option("--clean", is_flag=True,
              help="Print the cleaned running text (wrapped lines joined, page furniture and "
                   "debris dropped, widths normalised), as the later stages see it.")
@click.option("--debug-image", "debug_dir", type=click.Path(file_okay=False), default=None,
              help="Also write one PNG per page into this folder with the blocks (numbered in "
                   "reading order, coloured by kind), column edges, tables and the page "
                   "furniture left out drawn over the page (PDFs only).")
def extract(file: str, pages_spec: str | None, clean: bool, debug_dir: str | None) -> None:
    """Print FILE's text as plannlp reads it, page by page.

    Without --clean: the extracted text — for a PDF, its units (paragraphs, headings, table
    rows as tab-separated cells, footnotes) in reading order, separated by blank lines, a
    unit's wrapped lines by single line breaks. Each page starts with a line
    '=== page N ==='.
    """
    from ..extract import extract as read
    from ..stages.clean import CleanSettings, clean_text

    doc = read(file)
    numbers = parse_pages(pages_spec, len(doc.pages))
    if clean:
        text, offsets = clean_text(doc.raw_text, CleanSettings(), doc.layout)
        chunks = _clean_pages(doc, text, offsets)
    else:
        chunks = [doc.raw_text[p.start:p.end] for p in doc.pages]
    for number in numbers:
        click.echo(f"=== page {number} ===")
        click.echo(chunks[number - 1].rstrip("\n"))
    for warning in doc.warnings:
        click.echo(f"plannlp: warning: {warning}", err=True)
    if debug_dir:
        _debug_images(file, doc, numbers, Path(debug_dir))


def _clean_pages(doc, text: str, offsets: tuple[int, ...]) -> list[str]:
    """The cleaned text cut at the pages its characters came from."""
    import bisect

    starts = [p.start for p in doc.pages]
    chunks = [[] for _ in doc.pages]
    for i, ch in enumerate(text):
        chunks[max(bisect.bisect_right(starts, offsets[i]) - 1, 0)].append(ch)
    return ["".join(chunk) for chunk in chunks]


def _debug_images(file: str, doc, numbers: list[int], folder: Path) -> None:
    if doc.source.media_type != "application/pdf":
        raise UsageError("--debug-image draws PDF pages; this file is text.")
    from ..extract import read_source
    from ..extract.debug import write_debug_images
    from ..extract.layout import read_pages
    from ..extract.pdf import read_layouts
    from ..extract.settings import ExtractSettings

    data, path, name = read_source(file)
    pages, _ = read_pages(read_layouts(data, path, ExtractSettings()))
    for written in write_debug_images(data, pages, numbers, folder, Path(name).stem):
        click.echo(f"plannlp: wrote {written}", err=True)
