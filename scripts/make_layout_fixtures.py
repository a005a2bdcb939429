"""Make the layout fixtures of issue #15: small PDFs laid out as real plans are, made with the
producers municipalities use, from real plan text.

    python scripts/make_layout_fixtures.py            # all fixtures
    python scripts/make_layout_fixtures.py lo_table   # only some

Writes, in tests/fixtures/pdf/layout/:

- ``<name>.pdf``: the layout, made by LibreOffice (from a .docx written with python-docx),
  Chromium headless (``--print-to-pdf`` of an HTML page) or reportlab;
- ``<name>.txt``: the same text as it should be read: the units (headings, paragraphs, list
  items, table rows) in reading order, one a line with a blank line between them, the cells
  of a table row separated by a tab; no running header, footer or page number;
- ``SOURCE.md``: the source document of each fixture and the producer's version.

Each fixture's text is a contiguous slice of one real document (a seed in corpora/seeds/ or
an excerpt of corpora/roles/batches/), from the unit that starts with ``first`` to the one
that starts with ``last``. The only edits are those of :func:`reading_units`: the seeds' list
marker ``- `` is dropped (it is the text conversion's mark of a list item, not the plan's
text) and lines wrapped inside a unit are joined.

Needs (only to regenerate; CI reads the committed PDFs): Debian ``libreoffice-writer-nogui``,
``chromium`` and ``fonts-ipaexfont``; PyPI ``python-docx`` and ``reportlab``; the IPAexGothic
file of ``japanize-matplotlib`` (a plannlp dependency) for reportlab.
"""

from __future__ import annotations

import argparse
import csv
import html
import math
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "corpora" / "seeds"
BATCHES = REPO / "corpora" / "roles" / "batches"
OUT = REPO / "tests" / "fixtures" / "pdf" / "layout"

MINCHO, GOTHIC = "IPAexMincho", "IPAexGothic"  # Debian fonts-ipaexfont (LibreOffice, Chromium)

# -- the source text --------------------------------------------------------------------------

#: a unit no longer than this, without 。 or ：, is rendered as a heading
HEADING_MAX_CHARS = 40
#: headings of the first level (第1節, 4 本市の現状と課題, 6-2, 【施策4－3】); others are level 2
FIRST_LEVEL_HEADING = re.compile(r"^(第\S+節|\d+ |\d+-\d+|【施策)")
#: how the seeds' text conversion marks a list item
LIST_MARKER = "- "
NOT_HEADING_START = ("・", "※", "*", "(※", "（※", "「")


@dataclass(frozen=True)
class Unit:
    """A heading, paragraph, list item or table row of the source, as it should be read."""

    text: str
    kind: str  # "heading", "paragraph", "item" or "row"
    level: int = 0  # headings only: 1 or 2

    @property
    def cells(self) -> list[str]:
        return self.text.split("\t")


def unit_kind(text: str, is_list_item: bool) -> tuple[str, int]:
    if "\t" in text:
        return "row", 0
    if is_list_item:
        return "item", 0
    if (len(text) <= HEADING_MAX_CHARS and "。" not in text and "：" not in text
            and not text.startswith(NOT_HEADING_START)):
        return "heading", 1 if FIRST_LEVEL_HEADING.match(text) else 2
    return "paragraph", 0


def reading_units(text: str, *, one_unit_a_line: bool = False) -> list[Unit]:
    """The units of a source document: blocks between blank lines; inside a block, a list
    item (``- …``) or a table row (tab-separated) starts a new unit and any other line
    continues the unit before it (a line the source wrapped). ``one_unit_a_line``: every
    line is a unit (the corpus excerpts, whose wrapped lines were already joined)."""
    units: list[tuple[str, bool]] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        for k, line in enumerate(lines):
            is_item = line.startswith(LIST_MARKER)
            if is_item:
                line = line[len(LIST_MARKER):].strip()
            if k == 0 or is_item or "\t" in line or one_unit_a_line:
                units.append((line, is_item))
            else:
                previous, was_item = units[-1]
                units[-1] = (previous + line, was_item)
    return [Unit(t, *unit_kind(t, item)) for t, item in units]


def slice_units(units: list[Unit], first: str, last: str) -> list[Unit]:
    """The units from the first that starts with ``first`` to the next that starts with ``last``."""
    start = next(i for i, u in enumerate(units) if u.text.startswith(first))
    end = next(i for i in range(start, len(units)) if units[i].text.startswith(last))
    return units[start:end + 1]


def reading_text(units: list[Unit]) -> str:
    """The .txt of a fixture: one unit a line, a blank line between units (not between the
    rows of one table)."""
    out: list[str] = []
    for i, unit in enumerate(units):
        if i and not (unit.kind == "row" and units[i - 1].kind == "row"):
            out.append("")
        out.append(unit.text)
    return "\n".join(out) + "\n"


# -- where the sources come from --------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    id: str  # seed-004 or an excerpt id (r1-001)
    path: Path
    municipality: str
    title: str
    url: str  # "" where the manifest records none (the seeds)

    @property
    def is_excerpt(self) -> bool:
        return not self.id.startswith("seed-")


def find_source(source_id: str) -> Source:
    if source_id.startswith("seed-"):
        return seed_source(source_id.removeprefix("seed-"))
    return excerpt_source(source_id)


def seed_source(doc_id: str) -> Source:
    with (REPO / "corpora" / "manifest.csv").open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["doc_id"] == doc_id)
    return Source(f"seed-{doc_id}", REPO / "corpora" / row["file"], row["municipality"],
                  row["title"], "")


def excerpt_source(excerpt_id: str) -> Source:
    batch = BATCHES / excerpt_id.split("-")[0]
    with (batch / "manifest.csv").open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["excerpt_id"] == excerpt_id)
    return Source(excerpt_id, batch / "excerpts" / f"{excerpt_id}.txt", row["municipality"],
                  row["title"], row["url"])


# -- the fixtures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    name: str
    producer: str  # "libreoffice", "chromium" or "reportlab"
    layout: str  # what the page shows, for SOURCE.md
    source: str  # a seed (seed-004) or an excerpt id (r1-001)
    first: str
    last: str
    running_header: str = ""
    callout: tuple[str, str] | None = None  # first and last unit of a text box
    footnote: str = ""  # the unit set at the foot of the first page
    page_break_in: str = ""  # the unit whose sentence runs from page 1 onto page 2

    def units(self) -> list[Unit]:
        source = find_source(self.source)
        text = source.path.read_text(encoding="utf-8")
        return slice_units(reading_units(text, one_unit_a_line=source.is_excerpt),
                           self.first, self.last)


FIXTURES = [
    Fixture("lo_header_footer", "libreoffice",
            "one column, 2 pages; a running header (the plan's title) and a footer 「－ n －」 "
            "with a page field; headings in the Heading styles (larger, bold)",
            "seed-000", "第1節", "・幅広い年齢層、職種などから意見・提言を受けするため、引き続き",
            running_header="第二次佐久市総合計画　基本計画"),
    Fixture("lo_two_columns", "libreoffice",
            "title in one column, then a continuous section in two columns",
            "seed-003", "【施策4－3】", "③継続的な支援により"),
    Fixture("lo_text_box", "libreoffice",
            "one column; a floating text box (the document's SDGs callout) anchored beside the "
            "paragraphs before it, the lines wrapping around it; read after them, its two lines "
            "one phrase",
            "seed-001", "(3) 持続可能な開発目標", "市民活動団体とは、",
            callout=("SDGs…多くの国が達成すべき", "2030年までの世界共通の目標")),
    Fixture("lo_table", "libreoffice",
            "the まちづくりの目標 indicator table (5 columns, ruled) between paragraphs; "
            "headings in the Heading styles",
            "seed-004", "6-2", "社会経済情勢の変化により"),
    Fixture("chromium_two_columns", "chromium",
            "CSS column-count: 2, headings (h1 spanning both columns, h2 in the flow)",
            "seed-001", "基本方針 2 活動しやすい環境をつくります", "②優良事業を表彰し"),
    Fixture("chromium_table_list", "chromium",
            "an HTML table (the indicator table) and bulleted lists (ul) among paragraphs",
            "seed-004", "6-1 市民総働の推進", "NPO やボランティア等の市民活動団体が"),
    Fixture("chromium_vertical", "chromium",
            "writing-mode: vertical-rl (縦書き), half-width digits rotated as the browser does",
            "r1-001", "はじめに", "これからは、ウィズコロナ"),
    Fixture("reportlab_right_first", "reportlab",
            "two columns on 2 pages, the right column stored first in the content stream; page "
            "numbers 「― 4 ―」 (U+2015); a footnote (※1) at the foot of page 1 while the "
            "sentence beside it runs on to page 2",
            "seed-001", "4 本市の現状と課題", "「協働への参加を促す」",
            footnote="(※1：レジリエンス", page_break_in="なお、各取組においては"),
]


# -- LibreOffice: a .docx written with python-docx, converted by soffice ----------------------

BODY_PT = 10.5


def docx_document(body_pt: float = BODY_PT):
    """A Word document in A4 with Japanese fonts in the Normal and Heading styles."""
    from docx import Document
    from docx.shared import Mm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(22)
    section.top_margin = section.bottom_margin = Mm(25)
    set_style_font(document.styles["Normal"], MINCHO, Pt(body_pt))
    for level, size in ((1, 15), (2, 12.5)):
        style = document.styles[f"Heading {level}"]
        set_style_font(style, GOTHIC, Pt(size))
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
    return document


def set_style_font(style, name: str, size) -> None:
    """Set a style's font for Latin and East Asian text (and drop the theme fonts)."""
    from docx.oxml.ns import qn

    style.font.size = size
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def add_docx_units(document, units: list[Unit], body_pt: float = BODY_PT) -> None:
    """Headings in their styles, paragraphs with a one-character indent, list items indented,
    consecutive table rows as one ruled table."""
    from docx.shared import Pt

    for group in group_rows(units):
        if isinstance(group, list):
            add_docx_table(document, group)
        elif group.kind == "heading":
            document.add_heading(group.text, group.level)
        else:
            paragraph = document.add_paragraph(group.text)
            if group.kind == "item":
                paragraph.paragraph_format.left_indent = Pt(body_pt)
            else:
                paragraph.paragraph_format.first_line_indent = Pt(body_pt)


def group_rows(units: list[Unit]) -> Iterator[Unit | list[Unit]]:
    """The units, with each run of table rows gathered into one list."""
    rows: list[Unit] = []
    for unit in units:
        if unit.kind == "row":
            rows.append(unit)
            continue
        if rows:
            yield rows
            rows = []
        yield unit
    if rows:
        yield rows


def add_docx_table(document, rows: list[Unit]) -> None:
    from docx.shared import Pt

    width = max(len(row.cells) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row.cells):
            cell = table.cell(r, c)
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)
                run.font.bold = r == 0


def add_running_header_and_page_footer(document, header: str, first_page: int) -> None:
    """A right-aligned running header and a centred footer 「－ n －」 with a PAGE field,
    numbered from ``first_page``."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    section = document.sections[0]
    head = section.header.paragraphs[0]
    head.text = header
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("－ ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = str(first_page)
    run.append(text)
    field.append(run)
    foot._p.append(field)
    foot.add_run(" －")
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), str(first_page))
    section._sectPr.append(numbering)


def set_columns(section, count: int, space_twips: int = 425) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for old in section._sectPr.findall(qn("w:cols")):
        section._sectPr.remove(old)
    cols = OxmlElement("w:cols")
    cols.set(qn("w:num"), str(count))
    cols.set(qn("w:space"), str(space_twips))
    section._sectPr.append(cols)


EMU_PER_PT = 12700
TEXT_BOX = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
 xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:drawing>
<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="2"
 behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="margin"><wp:align>right</wp:align></wp:positionH>
<wp:positionV relativeFrom="paragraph"><wp:posOffset>{top}</wp:posOffset></wp:positionV>
<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>
<wp:wrapSquare wrapText="bothSides"/><wp:docPr id="1" name="Callout 1"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/>
</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln w="9525"><a:solidFill>
<a:srgbClr val="000000"/></a:solidFill></a:ln></wps:spPr><wps:txbx><w:txbxContent>{paragraphs}
</w:txbxContent></wps:txbx><wps:bodyPr rot="0" vert="horz" wrap="square" lIns="72000" tIns="36000"
 rIns="72000" bIns="36000" anchor="t"><a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData>
</a:graphic></wp:anchor></w:drawing></w:r>"""


def add_text_box(paragraph, lines: list[str], *, top: float, width: float, height: float
                 ) -> None:
    """A floating text box at the right margin (a DrawingML shape, as Word writes one), with
    square wrapping, anchored to ``paragraph``; sizes in points."""
    from docx.oxml import parse_xml

    paragraphs = "".join(
        f'<w:p><w:r><w:rPr><w:rFonts w:eastAsia="{GOTHIC}" w:ascii="{GOTHIC}" w:hAnsi="{GOTHIC}"/>'
        f'<w:sz w:val="19"/></w:rPr><w:t>{html.escape(line)}</w:t></w:r></w:p>'
        for line in lines)
    xml = TEXT_BOX.format(top=int(top * EMU_PER_PT), cx=int(width * EMU_PER_PT),
                          cy=int(height * EMU_PER_PT), paragraphs=paragraphs)
    paragraph._p.append(parse_xml(xml))


def docx_header_footer(fixture: Fixture, units: list[Unit]):
    document = docx_document(11)
    add_running_header_and_page_footer(document, fixture.running_header, first_page=12)
    add_docx_units(document, units, 11)
    return document


def docx_two_columns(fixture: Fixture, units: list[Unit]):
    from docx.enum.section import WD_SECTION

    document = docx_document()
    body = next(i for i, u in enumerate(units) if u.text.startswith("◆"))
    add_docx_units(document, units[:body])
    set_columns(document.add_section(WD_SECTION.CONTINUOUS), 2)
    add_docx_units(document, units[body:])
    # a continuous break after the columns makes Word and LibreOffice balance them
    set_columns(document.add_section(WD_SECTION.CONTINUOUS), 1)
    return document


def docx_text_box(fixture: Fixture, units: list[Unit]):
    """The callout's units go into a text box anchored to the first paragraph of the fixture
    (beside the paragraphs it follows in the source)."""
    document = docx_document()
    first, last = fixture.callout
    start = next(i for i, u in enumerate(units) if u.text.startswith(first))
    end = next(i for i in range(start, len(units)) if units[i].text.startswith(last))
    add_docx_units(document, units[:start])
    anchor = next(p for p in document.paragraphs if p.style.name == "Normal")
    add_text_box(anchor, [u.text for u in units[start:end + 1]],
                 top=2, width=150, height=48)
    add_docx_units(document, units[end + 1:])
    return document


def docx_table(fixture: Fixture, units: list[Unit]):
    document = docx_document()
    add_docx_units(document, units)
    return document


DOCX_LAYOUTS: dict[str, Callable] = {
    "lo_header_footer": docx_header_footer,
    "lo_two_columns": docx_two_columns,
    "lo_text_box": docx_text_box,
    "lo_table": docx_table,
}


def libreoffice_pdf(document, pdf: Path) -> None:
    """Save ``document`` as .docx and convert it with ``soffice --headless`` (own profile)."""
    with tempfile.TemporaryDirectory() as tmp:
        docx = Path(tmp) / f"{pdf.stem}.docx"
        document.save(docx)
        profile = Path(tmp) / "profile"
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", tmp, str(docx)],
                       check=True, capture_output=True, timeout=300)
        pdf.write_bytes((Path(tmp) / f"{pdf.stem}.pdf").read_bytes())


def make_libreoffice(fixture: Fixture, units: list[Unit], pdf: Path) -> None:
    libreoffice_pdf(DOCX_LAYOUTS[fixture.name](fixture, units), pdf)


# -- Chromium: an HTML page printed with --print-to-pdf --------------------------------------

#: headings are not bold: Chromium draws a synthetic bold (IPAex has no bold face), like the
#: CFF outlines of Noto CJK, as Type 3 glyphs, three times the size; IPAex in its regular
#: weight is embedded as a subset CID TrueType font with a ToUnicode map
PAGE_CSS = f"""
@page {{ size: A4; margin: 22mm 20mm; }}
body {{ font-family: "{MINCHO}"; font-size: 10.5pt; line-height: 1.7; margin: 0; }}
h1, h2 {{ font-family: "{GOTHIC}"; font-weight: normal; margin: 0.8em 0 0.4em; }}
h1 {{ font-size: 15pt; }}
h2 {{ font-size: 12pt; }}
p {{ margin: 0 0 0.4em; text-indent: 1em; }}
p.item {{ text-indent: 0; padding-left: 1em; }}
table {{ border-collapse: collapse; font-size: 9pt; margin: 0.5em 0; }}
th, td {{ border: 0.75pt solid #000; padding: 2pt 4pt; vertical-align: top; }}
th {{ font-family: "{GOTHIC}"; font-weight: normal; }}
"""

LAYOUT_CSS = {
    "chromium_two_columns": ".flow { column-count: 2; column-gap: 8mm; }"
                            " h1 { column-span: all; }",
    "chromium_table_list": "ul { margin: 0 0 0.4em; padding-left: 1.5em; }",
    "chromium_vertical": "html { writing-mode: vertical-rl; }"
                         " body { font-size: 12pt; line-height: 1.8; }"
                         " p { margin: 0 0 0 0.4em; }",
}


def html_units(units: list[Unit], items_as_list: bool) -> str:
    """Headings as h1/h2, paragraphs as p, table rows as one table (first row th), list items
    as ul/li (``items_as_list``) or as indented paragraphs."""
    parts: list[str] = []
    in_list = False
    for group in group_rows(units):
        is_item = not isinstance(group, list) and group.kind == "item" and items_as_list
        if in_list and not is_item:
            parts.append("</ul>")
        if is_item and not in_list:
            parts.append("<ul>")
        in_list = is_item
        parts.append(html_unit(group, is_item))
    if in_list:
        parts.append("</ul>")
    return "\n".join(parts)


def html_unit(group: Unit | list[Unit], as_list_item: bool) -> str:
    if isinstance(group, list):
        rows = [
            "<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in row.cells) + "</tr>"
            for tag, row in (("th" if i == 0 else "td", row) for i, row in enumerate(group))]
        return "<table>" + "".join(rows) + "</table>"
    text = html.escape(group.text)
    if group.kind == "heading":
        return f"<h{group.level}>{text}</h{group.level}>"
    if as_list_item:
        return f"<li>{text}</li>"
    return f'<p class="item">{text}</p>' if group.kind == "item" else f"<p>{text}</p>"


def html_document(units: list[Unit], layout_css: str, items_as_list: bool = False) -> str:
    """The units as an HTML page in the fixtures' page style plus ``layout_css``."""
    body = html_units(units, items_as_list=items_as_list)
    return (f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
            f"<style>{PAGE_CSS}{layout_css}</style></head>"
            f'<body><div class="flow">{body}</div></body></html>')


def html_page(fixture: Fixture, units: list[Unit]) -> str:
    return html_document(units, LAYOUT_CSS[fixture.name],
                         items_as_list=fixture.name == "chromium_table_list")


def chromium_pdf(page_html: str, pdf: Path) -> None:
    """``page_html`` printed to ``pdf`` by headless Chromium."""
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(page_html, encoding="utf-8")
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        f"--user-data-dir={Path(tmp) / 'profile'}", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", page.as_uri()],
                       check=True, capture_output=True, timeout=300)


def make_chromium(fixture: Fixture, units: list[Unit], pdf: Path) -> None:
    chromium_pdf(html_page(fixture, units), pdf)


# -- reportlab: two columns, the right one stored first --------------------------------------

PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 50.0, 60.0, 70.0
COLUMN_GAP = 24.0
RL_BODY_PT, RL_HEADING_PT, RL_NOTE_PT = 10.0, 12.0, 8.5
#: characters that may not start a line (they stay at the end of the line before: 禁則)
NO_LINE_START = "。、）」』・…"


def wrap_chars(text: str, font: str, size: float, width: float, indent: float = 0.0
               ) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (the first indented by ``indent``),
    character by character as Japanese is set, keeping 禁則 characters off a line's start."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line, room = [], "", width - indent
    for ch in text:
        if line and stringWidth(line + ch, font, size) > room and ch not in NO_LINE_START:
            lines.append(line)
            line, room = "", width
        line += ch
    return lines + [line] if line else lines


@dataclass(frozen=True)
class SetLine:
    """A line as set: its text, font size, left offset in its column and the space above."""

    text: str
    size: float
    indent: float = 0.0
    space_before: float = 0.0


def set_unit(unit: Unit, font: str, width: float) -> list[SetLine]:
    if unit.kind == "heading":
        return [SetLine(t, RL_HEADING_PT, 0.0, 8.0)
                for t in wrap_chars(unit.text, font, RL_HEADING_PT, width)]
    indent = RL_BODY_PT
    lines = wrap_chars(unit.text, font, RL_BODY_PT, width, indent)
    return [SetLine(t, RL_BODY_PT, indent if i == 0 else 0.0, 3.0 if i == 0 else 0.0)
            for i, t in enumerate(lines)]


def split_into_columns(lines: list[SetLine], per_column: int) -> list[list[SetLine]]:
    return [lines[i:i + per_column] for i in range(0, len(lines), per_column)] or [[]]


def draw_column(c, font: str, lines: list[SetLine], x: float, top: float, leading: float
                ) -> None:
    y = top
    for line in lines:
        y -= line.space_before + leading
        c.setFont(font, line.size)
        c.drawString(x + line.indent, y, line.text)


def draw_page(c, font: str, columns: list[list[SetLine]], leading: float, page_number: int,
              footnote: list[str]) -> None:
    """Right column first (as some DTP layouts store it), then the left one, the footnote
    under a short rule, and the page number 「― n ―」 (U+2015)."""
    column_w = (PAGE_W - 2 * MARGIN_X - COLUMN_GAP) / 2
    top = PAGE_H - MARGIN_TOP
    right_x = MARGIN_X + column_w + COLUMN_GAP
    if len(columns) > 1:
        draw_column(c, font, columns[1], right_x, top, leading)
    draw_column(c, font, columns[0], MARGIN_X, top, leading)
    if footnote:
        y = MARGIN_BOTTOM + 14 + len(footnote) * 11
        c.setLineWidth(0.5)
        c.line(MARGIN_X, y, MARGIN_X + 120, y)
        c.setFont(font, RL_NOTE_PT)
        for k, text in enumerate(footnote):
            c.drawString(MARGIN_X, y - 12 - 11 * k, text)
    c.setFont(font, 9)
    c.drawCentredString(PAGE_W / 2, MARGIN_BOTTOM - 30, f"\u2015 {page_number} \u2015")
    c.showPage()


def pages_of_lines(fixture: Fixture, units: list[Unit], font: str, column_w: float
                   ) -> tuple[list[SetLine], list[SetLine]]:
    """The lines of page 1 (up to the first line of the unit ``page_break_in``) and of page 2."""
    flow = [u for u in units if not u.text.startswith(fixture.footnote)]
    first, second = [], []
    for unit in flow:
        lines = set_unit(unit, font, column_w)
        if unit.text.startswith(fixture.page_break_in):
            first.extend(lines[:1])
            second.extend(replace_space(lines[1:]))
        elif second:
            second.extend(lines)
        else:
            first.extend(lines)
    return first, second


def replace_space(lines: list[SetLine]) -> list[SetLine]:
    return [SetLine(line.text, line.size, line.indent, 0.0) for line in lines]


def make_reportlab(fixture: Fixture, units: list[Unit], pdf: Path) -> None:
    from reportlab.pdfgen import canvas

    if str(REPO) not in sys.path:  # run as a script: scripts/ is on the path, the repo is not
        sys.path.insert(0, str(REPO))
    from scripts.make_fixtures import embedded_font

    font = embedded_font()  # IPAexGothic, registered as the benchmark PDF embeds it
    column_w = (PAGE_W - 2 * MARGIN_X - COLUMN_GAP) / 2
    note = next(u for u in units if u.text.startswith(fixture.footnote))
    note_lines = wrap_chars(note.text, font, RL_NOTE_PT, PAGE_W - 2 * MARGIN_X)
    first, second = pages_of_lines(fixture, units, font, column_w)
    per_column = math.ceil(len(first) / 2)
    room = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - 40 - 11 * len(note_lines)
    leading = min(22.0, room / per_column - 1.0)
    c = canvas.Canvas(str(pdf), pagesize=(PAGE_W, PAGE_H), invariant=1)
    c.setTitle(find_source(fixture.source).title)
    draw_page(c, font, split_into_columns(first, per_column), leading, 4, note_lines)
    draw_page(c, font, split_into_columns(second, per_column), leading, 5, [])
    c.save()


# -- all together -----------------------------------------------------------------------------

MAKERS = {"libreoffice": make_libreoffice, "chromium": make_chromium,
          "reportlab": make_reportlab}


def as_read(fixture: Fixture, units: list[Unit]) -> list[Unit]:
    """The units as a reader takes them: a text box's lines, one phrase wrapped in the box
    (「SDGs…多くの国が達成すべき」「2030年までの世界共通の目標」), are one unit."""
    if not fixture.callout:
        return units
    first, last = fixture.callout
    start = next(i for i, u in enumerate(units) if u.text.startswith(first))
    end = next(i for i in range(start, len(units)) if units[i].text.startswith(last))
    box = Unit("".join(u.text for u in units[start:end + 1]), "paragraph")
    return units[:start] + [box] + units[end + 1:]


def make_fixture(fixture: Fixture, out: Path = OUT) -> None:
    units = fixture.units()
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{fixture.name}.txt").write_text(reading_text(as_read(fixture, units)),
                                             encoding="utf-8")
    MAKERS[fixture.producer](fixture, units, out / f"{fixture.name}.pdf")


def producer_versions() -> dict[str, str]:
    import reportlab

    def first_line(command: list[str]) -> str:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        return done.stdout.strip().splitlines()[0] if done.stdout.strip() else "unknown"

    from importlib.metadata import version

    return {"libreoffice": f'{first_line(["soffice", "--version"])}, the .docx by '
                           f'python-docx {version("python-docx")}',
            "chromium": first_line(["chromium", "--version"]),
            "reportlab": f"reportlab {reportlab.Version}"}


def page_count(pdf: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


def source_md(out: Path = OUT) -> str:
    versions = producer_versions()
    lines = [
        "# Layout fixtures (issue #15)",
        "",
        "Made by `python scripts/make_layout_fixtures.py` (see its docstring for what it needs).",
        "Each `<name>.txt` is the text of `<name>.pdf` as it should be read: the units in",
        "reading order, one a line, without running headers, footers or page numbers, table",
        "rows with their cells separated by a tab. Its text is a contiguous slice of one real",
        "document (the seeds' list marker `- ` dropped, wrapped lines joined);",
        "tests/extract/test_layout_fixtures.py checks that. Score the PDFs against it with",
        "`python scripts/score_layout.py`.",
        "",
        "| fixture | pages | producer | layout | source | municipality | document | URL |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for fixture in FIXTURES:
        source = find_source(fixture.source)
        where = source.path.relative_to(REPO).as_posix()
        url = source.url or "none recorded (the seeds come from shared/seeds; see corpora/seeds/SOURCE.md)"
        lines.append(
            f"| {fixture.name} | {page_count(out / f'{fixture.name}.pdf')} "
            f"| {versions[fixture.producer]} | {fixture.layout} "
            f"| {source.id} (`{where}`, from 「{fixture.first[:16]}」 to 「{fixture.last[:16]}」) "
            f"| {source.municipality} | {source.title} | {url} |")
    lines += ["", "Fonts: IPAexMincho / IPAexGothic (Debian fonts-ipaexfont) for LibreOffice and",
              "Chromium, IPAexGothic from japanize-matplotlib for reportlab; embedded as subsets.",
              ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="fixtures to make (default: all)")
    args = parser.parse_args(argv)
    chosen = [f for f in FIXTURES if not args.names or f.name in args.names]
    for fixture in chosen:
        make_fixture(fixture)
        pdf = OUT / f"{fixture.name}.pdf"
        print(f"{pdf.relative_to(REPO)}  {page_count(pdf)} page(s)  {pdf.stat().st_size:,} bytes")
    (OUT / "SOURCE.md").write_text(source_md(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
