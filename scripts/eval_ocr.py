"""How well OCR reads Japanese plan pages: character error rate, sentence boundaries, roles.

    PYTHONPATH=src python scripts/eval_ocr.py [--work benchmarks/_work/ocr] [--json]

The pages are real plan text: the layout fixtures (tests/fixtures/pdf/layout/*.pdf, text
layers made from municipal plans; chromium_vertical.pdf is 縦書き). Each PDF's pages are
rendered with pypdfium2 into images, in variants:

* ``clean-300`` / ``clean-200``: greyscale at 300 / 200 dpi,
* ``noisy-300``: at 300 dpi, turned by :data:`NOISE_ROTATION` degrees, blurred a little
  (:data:`NOISE_BLUR`) and stored as JPEG at quality :data:`NOISE_JPEG_QUALITY` (a scanner's
  skew and compression),

and each variant is wrapped into an image-only PDF (Pillow) at the variant's resolution, which
``plannlp`` ingests with OCR (its pages rendered at the default ``ocr_dpi``, 300: a 200-dpi
scan is read upsampled, which Tesseract reads better than at its own size). Measured against the same PDF read from its text layer:

* CER: edit distance over characters / characters of the text layer, after NFKC with all
  whitespace removed (the whole document text, as extract gives it),
* sentence-boundary F1 and role agreement (``scripts/score_layout.score_sentences``).

Rows are the variant × the kind of page: horizontal prose, horizontal pages that are mostly
a ruled table (:data:`TABLE_FIXTURES`), and 縦書き (:data:`VERTICAL_FIXTURES`).

Seed pages (``--seeds``, on by default; needs ``chromium`` and ``fonts-ipaexfont``): the first
:data:`SEED_CHARS` characters (whole units) of each of the five seed documents
(corpora/seeds), typeset in one column by Chromium as the layout fixtures are
(``scripts/make_layout_fixtures.py``'s page style; the seeds' tables as ruled tables), and
the first seed's slice once more in 縦書き; written to ``--work`` with the text they were
typeset from (``seed-NNN.txt``, one unit a paragraph), against which they are scored (not
against their text layer, which a reading of 縦書き across pages gets wrong in places), in
rows of their own (``seeds horizontal``, ``seeds vertical``).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.score_layout import NO_SCORE, LayoutScore, Read, score_sentences  # noqa: E402

LAYOUT_FIXTURES = ROOT / "tests" / "fixtures" / "pdf" / "layout"
VERTICAL_FIXTURES = frozenset({"chromium_vertical"})
#: Fixtures whose page is mostly a ruled table (read by pdfplumber from a text layer; OCR has
#: no table reading, so its cells come out as lines): scored in rows of their own.
TABLE_FIXTURES = frozenset({"lo_table", "chromium_table_list"})
#: The noisy variant: skew (degrees), Gaussian blur radius (pixels) and JPEG quality.
NOISE_ROTATION = 0.7
NOISE_BLUR = 0.6
NOISE_JPEG_QUALITY = 60
#: tests/fixtures/pdf/ocr/image_only_seed.pdf: this layout fixture's page at this dpi and JPEG quality.
FIXTURE_SOURCE, FIXTURE_DPI, FIXTURE_JPEG_QUALITY = "lo_two_columns", 150, 50
#: tests/fixtures/pdf/ocr/image_only_table.pdf: this layout fixture's page, noisy, at this dpi.
TABLE_FIXTURE_SOURCE, TABLE_FIXTURE_DPI = "lo_table", 200
VARIANTS = {"clean-300": (300, False), "clean-200": (200, False), "noisy-300": (300, True)}
#: Characters of each seed typeset for the seed pages (whole units, from the start).
SEED_CHARS = 1800
SEED_VERTICAL = "000"  # the seed also typeset in 縦書き


def normalised(text: str) -> str:
    """NFKC, all whitespace removed: what the character error rate compares."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance over characters (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def character_error_rate(reference: str, read: str) -> float:
    """Edit distance / reference characters, both NFKC'd with whitespace removed."""
    reference, read = normalised(reference), normalised(read)
    if not reference:
        return 0.0 if not read else 1.0
    return edit_distance(reference, read) / len(reference)


def page_images(pdf_path: Path, dpi: int, noisy: bool) -> list:
    """The PDF's pages as Pillow images at ``dpi`` (greyscale), degraded when ``noisy``."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    pdf = pdfium.PdfDocument(str(pdf_path))
    images = []
    try:
        for page in pdf:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            if noisy:
                image = image.rotate(NOISE_ROTATION, resample=Image.Resampling.BICUBIC,
                                     expand=False, fillcolor=255)
                image = image.filter(ImageFilter.GaussianBlur(NOISE_BLUR))
                buffer = io.BytesIO()
                image.save(buffer, format="JPEG", quality=NOISE_JPEG_QUALITY)
                image = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
            images.append(image)
    finally:
        pdf.close()
    return images


def image_only_pdf(images: list, dpi: int, out: Path) -> Path:
    """The images as the pages of a PDF without any text layer."""
    images[0].save(out, format="PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out


def make_fixture(out: Path = ROOT / "tests" / "fixtures" / "pdf" / "ocr" / "image_only_seed.pdf") -> Path:
    """The committed image-only test fixture (see :data:`FIXTURE_SOURCE`)."""
    images = page_images(LAYOUT_FIXTURES / f"{FIXTURE_SOURCE}.pdf", FIXTURE_DPI, noisy=False)
    images[0].save(out, format="PDF", resolution=FIXTURE_DPI, quality=FIXTURE_JPEG_QUALITY)
    return out


def make_table_fixture(out: Path = ROOT / "tests" / "fixtures" / "pdf" / "ocr" / "image_only_table.pdf") -> Path:
    """The committed scanned-table fixture: :data:`TABLE_FIXTURE_SOURCE`'s page in the noisy
    variant (skewed, blurred, JPEG) at :data:`TABLE_FIXTURE_DPI`."""
    images = page_images(LAYOUT_FIXTURES / f"{TABLE_FIXTURE_SOURCE}.pdf", TABLE_FIXTURE_DPI, noisy=True)
    images[0].save(out, format="PDF", resolution=TABLE_FIXTURE_DPI, quality=NOISE_JPEG_QUALITY)
    return out


@dataclass
class Row:
    characters: int = 0
    errors: int = 0
    score: LayoutScore = NO_SCORE
    confidences: tuple[float, ...] = ()

    @property
    def cer(self) -> float:
        return self.errors / self.characters if self.characters else 0.0


def sentences(document) -> list[Read]:
    return [Read(s.text, s.role.label if s.role else "") for s in document.sentences]


def kind_of(name: str) -> str:
    if name.startswith("seed-"):
        return "seeds vertical" if name.endswith("-vertical") else "seeds horizontal"
    if name in VERTICAL_FIXTURES:
        return "vertical"
    return "horizontal, tables" if name in TABLE_FIXTURES else "horizontal"


def seed_pages(work: Path) -> list[Path]:
    """The seed pages (see the module's docstring), typeset by Chromium into ``work``."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import csv
    import subprocess

    import make_layout_fixtures as fixtures

    fonts = subprocess.run(["fc-list", f":family={fixtures.MINCHO}"], capture_output=True, text=True)
    if not fonts.stdout.strip():
        raise SystemExit(f"The seed pages need the {fixtures.MINCHO} font: apt-get install "
                         "fonts-ipaexfont (or run with --no-seeds).")

    with (ROOT / "corpora" / "manifest.csv").open(encoding="utf-8") as f:
        seeds = [(row["doc_id"], ROOT / "corpora" / row["file"]) for row in csv.DictReader(f)]
    pdfs = []
    for doc_id, path in seeds:
        units, length = [], 0
        for unit in fixtures.reading_units(path.read_text(encoding="utf-8")):
            if length >= SEED_CHARS:
                break
            units.append(unit)
            length += len(unit.text)
        layouts = {"": ""}
        if doc_id == SEED_VERTICAL:
            layouts["-vertical"] = fixtures.LAYOUT_CSS["chromium_vertical"]
        for suffix, css in layouts.items():
            pdf = work / f"seed-{doc_id}{suffix}.pdf"
            pdf.with_suffix(".txt").write_text(fixtures.reading_text(units), encoding="utf-8")
            if not pdf.exists():
                fixtures.chromium_pdf(fixtures.html_document(units, css), pdf)
            pdfs.append(pdf)
    return pdfs


def evaluate(work: Path, sources: list[Path], variants: list[str]) -> dict[str, Row]:
    import plannlp

    work.mkdir(parents=True, exist_ok=True)
    text_pipeline = plannlp.load_pipeline(keep_tokens=False)
    rows: dict[str, Row] = {}
    for variant in variants:
        dpi, noisy = VARIANTS[variant]
        ocr_pipeline = text_pipeline  # pages rendered for OCR at ocr_dpi (300), whatever the scan's
        for source in sources:
            name = source.stem
            scanned = image_only_pdf(page_images(source, dpi, noisy), dpi,
                                     work / f"{name}-{variant}.pdf")
            # the seed pages are scored against the text they were typeset from (the units,
            # one a paragraph); the layout fixtures against their own text layer
            truth = source.with_suffix(".txt") if source.parent == work else source
            text_doc, ocr_doc = text_pipeline.ingest(truth), ocr_pipeline.ingest(scanned)
            reference = normalised(text_doc.raw_text)
            key = f"{variant} {kind_of(name)}"
            row = rows.setdefault(key, Row())
            row.characters += len(reference)
            row.errors += edit_distance(reference, normalised(ocr_doc.raw_text))
            score = score_sentences(sentences(text_doc), sentences(ocr_doc))
            row.score = row.score + score
            row.confidences += tuple(p.confidence for p in ocr_doc.ocr_pages)
            cer = character_error_rate(text_doc.raw_text, ocr_doc.raw_text)
            print(f"{key:28} {name:24} CER {cer:6.2%}  F1 {score.f1:.3f}", file=sys.stderr)
    return rows


def format_table(rows: dict[str, Row]) -> str:
    lines = ["| variant | characters | CER | boundary F1 | roles agreeing | mean confidence |",
             "|---|---:|---:|---:|---:|---:|"]
    for key, row in rows.items():
        confidence = sum(row.confidences) / len(row.confidences) if row.confidences else 0.0
        lines.append(f"| {key} | {row.characters} | {row.cer:.2%} | {row.score.f1:.3f} | "
                     f"{row.score.role_agreement:.1%} | {confidence:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "_work" / "ocr")
    parser.add_argument("--fixtures", nargs="*", default=None,
                        help="fixture names (default: all in tests/fixtures/pdf/layout; "
                             "--fixtures with no name: none, the seed pages only)")
    parser.add_argument("--variants", nargs="*", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--seeds", action=argparse.BooleanOptionalAction, default=True,
                        help="also the seed pages typeset by Chromium (default: yes)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--make-fixture", action="store_true",
                        help="write tests/fixtures/pdf/ocr/image_only_seed.pdf and "
                             "image_only_table.pdf and stop")
    args = parser.parse_args(argv)
    if args.make_fixture:
        print(make_fixture())
        print(make_table_fixture())
        return 0
    names = args.fixtures if args.fixtures is not None else sorted(
        p.stem for p in LAYOUT_FIXTURES.glob("*.pdf"))
    args.work.mkdir(parents=True, exist_ok=True)
    sources = [LAYOUT_FIXTURES / f"{name}.pdf" for name in names]
    if args.seeds:
        sources += seed_pages(args.work)
    rows = evaluate(args.work, sources, args.variants)
    if args.json:
        print(json.dumps({k: {"cer": round(r.cer, 4), "f1": round(r.score.f1, 4),
                              "role_agreement": round(r.score.role_agreement, 4),
                              "characters": r.characters} for k, r in rows.items()}, indent=1))
    else:
        print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
