"""Make the small test fixtures in tests/fixtures/ from the seed texts (deterministic).

    python scripts/make_fixtures.py

PDFs use reportlab's built-in Japanese CID fonts (HeiseiMin-W3, HeiseiKakuGo-W5), which need
no font file. What each fixture is for:

pdf/seed002_layout.pdf   4 pages of seed 002 laid out as its PDF was: the seed's own wrapped
                         lines, a page number at the foot of each page, a dotted rule, a column
                         of one-character vertical text, half-width katakana (ｱﾝｹｰﾄ).
pdf/seed004_table.pdf    two of seed 004's indicator rows (6-1 and 6-2) in one small ruled table,
                         without the 把握方法 column (used by the indicators stage's tests).
pdf/seed004_indicators.pdf  seed 004's 6-2 まちづくりの目標 table exactly as the seed has it
                         (5 columns, 4 rows, long cells wrapped inside their cells).
pdf/encrypted.pdf        seed002_layout.pdf with a user password ("secret", RC4-128).
pdf/image_only.pdf       two pages of drawings, no text layer (needs OCR).
pdf/truncated.pdf        the first half of seed002_layout.pdf's bytes.
text/sjis.txt, text/eucjp.txt, text/utf8_bom.txt   an excerpt of seed 001 in those encodings.
text/empty.txt, text/garbage.bin                     bad inputs.

Deterministic: reportlab runs with ``invariant=1`` (fixed dates and ids), the encrypted PDF
uses RC4-128 with a pinned file identifier, the garbage bytes come from a seeded generator;
tests/extract/test_fixtures.py checks two runs are byte-identical.

``build_long_pdf(pages, embed_font=...)`` makes the long PDFs of the 1,000-page test and of
benchmarks/bench_ingest.py; with ``embed_font=True`` it embeds a subset of IPAexGothic (a
TrueType file shipped by the japanize-matplotlib package, a plannlp dependency), as word
processors do, which PDFium reads about ten times faster than a non-embedded CID font.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "corpora" / "seeds"
OUT = REPO / "tests" / "fixtures"
MINCHO, GOTHIC = "HeiseiMin-W3", "HeiseiKakuGo-W5"
WIDTH, HEIGHT = A4


def _fonts() -> None:
    for name in (MINCHO, GOTHIC):
        pdfmetrics.registerFont(UnicodeCIDFont(name))


def seed_lines(name: str) -> list[str]:
    text = (SEEDS / name).read_text(encoding="utf-8")
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def make_seed002_layout(path: Path, pages: int = 4, lines_per_page: int = 34) -> None:
    """Seed 002's lines as a PDF: body text, foot page numbers, dotted rules, vertical text."""
    lines = seed_lines("002_2b25f45b06c7f47b.txt")
    # start at "１ 計画策定の趣旨" and skip the diagram-only lines of the seed itself
    start = next(i for i, line in enumerate(lines) if "計画策定の趣旨" in line)
    body = [line for line in lines[start:] if len(line.strip()) > 2 or line.strip() in {"２", "３"}]
    body = [line for line in body if not line.strip().startswith("・・・") and line.strip() not in {"２", "３", "４"}]
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle("第二次佐久市総合計画 後期基本計画 策定方針")
    for page in range(pages):
        c.setFont(MINCHO, 10.5)
        y = HEIGHT - 60
        chunk = body[page * lines_per_page:(page + 1) * lines_per_page]
        if page == 1:  # a survey mention in half-width katakana, as in the seed
            chunk = chunk[:5] + ["市民ｱﾝｹｰﾄを実施し、これまでの市の取組や今後の取組などに対する意向を"] + chunk[5:]
        for line in chunk:
            c.drawString(56, y, line.strip())
            y -= 18
        if page == 2:  # a vertical label drawn one character per line, as in diagrams
            c.setFont(GOTHIC, 10.5)
            for k, ch in enumerate("基本構想"):
                c.drawString(520, HEIGHT - 120 - 14 * k, ch)
            c.setFont(MINCHO, 10.5)
        c.drawString(56, 70, "・" * 10)  # the dotted rule the seed shows at page ends
        c.drawCentredString(WIDTH / 2, 40, "１２３４５６７８９"[page])  # page number (full-width)
        c.showPage()
    c.save()


def make_seed004_table(path: Path) -> None:
    """Seed 004's first まちづくりの目標 table drawn with ruling lines, with prose above."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(GOTHIC, 12)
    c.drawString(56, HEIGHT - 60, "6-1 市民総働の推進")
    c.setFont(MINCHO, 10)
    c.drawString(56, HEIGHT - 90, "すべての市民と行政による市民総働のまちづくりを推進します。")
    c.drawString(56, HEIGHT - 115, "まちづくりの目標")
    rows = [
        ["指標名", "現在値(H29年3月末)", "中間目標値(H34年度)", "最終目標値(H38年度)"],
        ["NPO・ボランティア登録団体数", "93団体", "105団体", "113団体"],
        ["人権教育講演会への参加率", "0.71%", "0.73%", "0.75%"],
    ]
    xs = [56, 236, 336, 436, 536]
    top, row_h = HEIGHT - 130, 24
    for r in range(len(rows) + 1):
        c.line(xs[0], top - r * row_h, xs[-1], top - r * row_h)
    for x in xs:
        c.line(x, top, x, top - len(rows) * row_h)
    for r, row in enumerate(rows):
        for k, cell in enumerate(row):
            c.setFont(MINCHO, 8.5)
            c.drawString(xs[k] + 4, top - r * row_h - 16, cell)
    c.setFont(MINCHO, 10)
    c.drawString(56, top - 4 * row_h - 30, "市内には101の行政区があり、住民センターを拠点とした地域活動が展開されています。")
    c.showPage()
    c.save()


def seed004_indicator_rows(first_indicator: str = "人権教育・啓発講演会への参加人数") -> list[list[str]]:
    """The tab-separated まちづくりの目標 table of seed 004 whose first row is ``first_indicator``
    (header included), exactly as the seed has it."""
    lines = (SEEDS / "004_984e210a46f8a44b.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(first_indicator + "\t"))
    rows = [lines[start - 1].split("\t")]
    for line in lines[start:]:
        if "\t" not in line:
            break
        rows.append(line.split("\t"))
    return rows


def _wrap_cell(text: str, font: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (character by character, as a word
    processor wraps Japanese); a line never starts or ends with a space."""
    lines, line = [], ""
    for ch in text:
        if line and pdfmetrics.stringWidth(line + ch, font, size) > width:
            lines.append(line.rstrip())
            line = ch.lstrip()
        else:
            line += ch
    return lines + [line] if line else lines


def make_seed004_indicators(path: Path) -> None:
    """Seed 004's 6-2 まちづくりの目標 (5 columns, 4 indicators) as a ruled table whose long
    cells wrap inside the cell, between the section's prose, as in the printed plan."""
    rows = seed004_indicator_rows()
    widths = [130, 165, 70, 70, 70]
    xs = [40]
    for w in widths:
        xs.append(xs[-1] + w)
    size, leading, pad = 7.5, 10, 4
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle("安中市総合計画 政策大綱6 6-2 人権教育・啓発の推進")
    c.setFont(GOTHIC, 12)
    c.drawString(40, HEIGHT - 60, "6-2 人権教育・啓発の推進")
    c.setFont(MINCHO, 10)
    c.drawString(40, HEIGHT - 90, "まちづくりの目標")
    top = HEIGHT - 105
    wrapped = [[_wrap_cell(cell, MINCHO, size, w - 2 * pad) for cell, w in zip(row, widths, strict=True)]
               for row in rows]
    heights = [max(len(cell) for cell in row) * leading + 2 * pad for row in wrapped]
    y = top
    c.line(xs[0], y, xs[-1], y)
    for row, height in zip(wrapped, heights, strict=True):
        for k, cell in enumerate(row):
            c.setFont(MINCHO, size)
            for n, text in enumerate(cell):
                c.drawString(xs[k] + pad, y - pad - size - n * leading, text)
        y -= height
        c.line(xs[0], y, xs[-1], y)
    for x in xs:
        c.line(x, top, x, y)
    c.setFont(MINCHO, 10)
    c.drawString(40, y - 30, "現状と課題")
    c.drawString(40, y - 50, "人権尊重の知識と行動を身に付けることは、まちづくり全体の基礎となるたいへん重要な")
    c.drawString(40, y - 65, "ことです。")
    c.showPage()
    c.save()


def make_image_only(path: Path) -> None:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page in range(2):
        for k in range(12):
            c.rect(60 + 30 * k, 400 + 10 * page, 20, 200 - 10 * k, fill=1)
        c.showPage()
    c.save()


def make_encrypted(source: Path, path: Path) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject

    writer = PdfWriter(clone_from=PdfReader(source))
    # RC4-128 has no random IV; pypdf's second file identifier is random, so pin it to the
    # first (derived from the content) to keep the file byte-identical from run to run.
    # Tests make an AES-256 file at test time (tests/extract/test_pdf.py).
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    writer._ID = ArrayObject([writer._ID[0], writer._ID[0]])
    with path.open("wb") as handle:
        writer.write(handle)


def make_text_fixtures(folder: Path) -> None:
    lines = seed_lines("001_66d1d15548724d4f.txt")
    start = next(i for i, line in enumerate(lines) if line.startswith("1 はじめに"))
    excerpt = "\n\n".join(lines[start:start + 8]) + "\n"
    (folder / "sjis.txt").write_bytes(excerpt.encode("cp932"))
    (folder / "eucjp.txt").write_bytes(excerpt.encode("euc_jp"))
    (folder / "utf8_bom.txt").write_bytes(excerpt.encode("utf-8-sig"))
    (folder / "empty.txt").write_bytes(b"")
    rng = random.Random(20201001)
    (folder / "garbage.bin").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))


def make_all(out: Path = OUT) -> list[Path]:
    """Write every fixture under ``out`` (``pdf/`` and ``text/``); return their paths."""
    _fonts()
    pdf_dir, text_dir = out / "pdf", out / "text"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    text_dir.mkdir(parents=True, exist_ok=True)
    layout = pdf_dir / "seed002_layout.pdf"
    make_seed002_layout(layout)
    make_seed004_table(pdf_dir / "seed004_table.pdf")
    make_seed004_indicators(pdf_dir / "seed004_indicators.pdf")
    make_image_only(pdf_dir / "image_only.pdf")
    make_encrypted(layout, pdf_dir / "encrypted.pdf")
    data = layout.read_bytes()
    (pdf_dir / "truncated.pdf").write_bytes(data[: len(data) // 2])
    make_text_fixtures(text_dir)
    return sorted(path for folder in (pdf_dir, text_dir) for path in folder.iterdir())


def main() -> None:
    for path in make_all(OUT):
        print(f"{path.relative_to(REPO)}  {path.stat().st_size:,} bytes")


def embedded_font() -> str:
    """Register IPAexGothic (a TrueType font shipped by the japanize-matplotlib package, a
    plannlp dependency) for embedding, as word processors embed fonts in municipal PDFs;
    return its name. The package is located, not imported (importing loads matplotlib)."""
    import importlib.util

    from reportlab.pdfbase.ttfonts import TTFont

    spec = importlib.util.find_spec("japanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("japanize-matplotlib is not installed: pip install japanize-matplotlib")
    path = Path(spec.submodule_search_locations[0]) / "fonts" / "ipaexg.ttf"
    pdfmetrics.registerFont(TTFont("IPAexGothic", str(path)))
    return "IPAexGothic"


def build_long_pdf(pages: int, *, lines_per_page: int = 40, embed_font: bool = False) -> bytes:
    """A long Japanese text-layer PDF made of the seeds' lines (for tests and benchmarks).

    ``embed_font`` embeds a TrueType subset (like real plan PDFs); otherwise reportlab's
    non-embedded CID font is used (smaller file, but PDFium re-reads its CMap on every page).
    """
    _fonts()
    font = embedded_font() if embed_font else MINCHO
    lines = []
    for name in ("000_ccc5004d4596790b.txt", "003_7408c9a1c0dcab75.txt", "004_984e210a46f8a44b.txt"):
        for line in seed_lines(name):
            while len(line) > 45:
                lines.append(line[:45])
                line = line[45:]
            lines.append(line)
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    k = 0
    for page in range(pages):
        c.setFont(font, 10)
        y = HEIGHT - 50
        for _ in range(lines_per_page):
            c.drawString(40, y, lines[k % len(lines)])
            k += 1
            y -= 18
        c.drawCentredString(WIDTH / 2, 30, str(page + 1))
        c.showPage()
    c.save()
    return buffer.getvalue()


if __name__ == "__main__":
    main()
