"""Pictures of how plannlp reads a PDF's pages (``plannlp extract --debug-image DIR``).

Each page is rendered with pypdfium2 and overdrawn, as pdfplumber's ``to_image`` does, with
what :mod:`plannlp.extract.layout` found: blocks numbered in reading order and coloured by kind
(text blue, heading red, table green, footnote orange, text box or vertical label purple), the
right edge of each block's column (a dotted line), and the page furniture left out (grey).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .layout import Block, ReadPage, TextLine

#: Colours of the block kinds (RGB).
KIND_COLOURS = {
    "text": (31, 119, 180), "heading": (214, 39, 40), "table": (44, 160, 44),
    "footnote": (255, 127, 14), "float": (148, 103, 189),
}
FURNITURE_COLOUR = (127, 127, 127)
#: Rendering scale (1 = 72 dpi).
SCALE = 1.5


def _page_box(item: Block | TextLine) -> tuple[float, float, float, float]:
    """The item's box on the page (a 縦書き page's blocks are laid out in turned coordinates;
    their lines keep their page boxes)."""
    if isinstance(item, TextLine):
        return item.page_box
    if not item.lines:
        return item.x0, item.y0, item.x1, item.y1
    boxes = [line.page_box for line in item.lines]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))


def _box(item: Block | TextLine, height: float) -> tuple[float, float, float, float]:
    """PDF coordinates (origin bottom-left) to image pixels (origin top-left)."""
    x0, y0, x1, y1 = _page_box(item)
    return (x0 * SCALE, (height - y1) * SCALE, x1 * SCALE, (height - y0) * SCALE)


def draw_page(pdf, number: int, page: ReadPage):
    """The page rendered and overdrawn (a PIL image)."""
    from PIL import ImageDraw

    pdf_page = pdf[number - 1]
    try:
        height = pdf_page.get_size()[1]
        image = pdf_page.render(scale=SCALE).to_pil().convert("RGB")
    finally:
        pdf_page.close()
    draw = ImageDraw.Draw(image)
    for line in page.furniture:
        draw.rectangle(_box(line, height), outline=FURNITURE_COLOUR, width=2)
    for order, block in enumerate(page.blocks, start=1):
        colour = KIND_COLOURS.get(block.kind, (0, 0, 0))
        x0, y0, x1, y1 = _box(block, height)
        draw.rectangle((x0, y0, x1, y1), outline=colour, width=2)
        draw.text((x0 + 2, y0 + 1), str(order), fill=colour)
        turned = any(line.source_box for line in block.lines)
        if block.right is not None and not turned:
            x = block.right * SCALE
            for y in range(int(y0), int(y1), 6):
                draw.line((x, y, x, y + 3), fill=colour)
        for rider in block.floats:
            draw.rectangle(_box(rider, height), outline=KIND_COLOURS["float"], width=2)
    return image


def write_debug_images(data: bytes, pages: list[ReadPage], numbers: Iterable[int],
                       folder: Path, stem: str) -> list[Path]:
    """PNG files ``<stem>-p<N>.png`` of the given 1-based pages in ``folder``."""
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    pdf = pdfium.PdfDocument(data)
    try:
        for number in numbers:
            path = folder / f"{stem}-p{number}.png"
            draw_page(pdf, number, pages[number - 1]).save(path)
            written.append(path)
    finally:
        pdf.close()
    return written
