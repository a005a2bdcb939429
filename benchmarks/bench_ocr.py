"""OCR throughput: pages/s of Tesseract (jpn, jpn_vert when weaker) in one and in two processes.

    PYTHONPATH=src python benchmarks/bench_ocr.py [--pages 8] [--dpi 300]

Builds (into benchmarks/_work/, gitignored) an image-only PDF of ``--pages`` pages: the layout
fixtures' pages (real plan text, tests/fixtures/pdf/layout/*.pdf) rendered at 300 dpi,
repeated as needed, 縦書き included. Then times ``plannlp.extract.ocr.ocr_pages`` (render +
Tesseract, as ``plannlp ingest`` runs it) with ``workers=1`` and ``workers=2`` (two Tesseract
processes at a time), and prints pages/s for each.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.eval_ocr import LAYOUT_FIXTURES, image_only_pdf, page_images  # noqa: E402


def build(pages: int, dpi: int, out: Path) -> Path:
    images: list = []
    sources = sorted(LAYOUT_FIXTURES.glob("*.pdf"))
    while len(images) < pages:
        for source in sources:
            images.extend(page_images(source, dpi, noisy=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    return image_only_pdf(images[:pages], dpi, out)


def pages_per_second(path: Path, pages: int, dpi: int, workers: int) -> float:
    import pypdfium2 as pdfium

    from plannlp.extract import ocr

    pdf = pdfium.PdfDocument(str(path))
    try:
        started = time.perf_counter()
        ocr.ocr_pages(pdf, range(1, pages + 1), dpi=dpi, workers=workers)
        return pages / (time.perf_counter() - started)
    finally:
        pdf.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--dpi", type=int, default=300)
    args = parser.parse_args(argv)
    from plannlp.extract import ocr

    missing = ocr.missing_requirement()
    if missing:
        print(f"OCR cannot run: {missing}. {ocr.INSTALL_HINT}", file=sys.stderr)
        return 1
    path = build(args.pages, args.dpi, ROOT / "benchmarks" / "_work" / f"ocr-{args.pages}.pdf")
    print(f"{ocr.engine_name()}, {args.pages} pages at {args.dpi} dpi")
    for workers in (1, 2):
        rate = pages_per_second(path, args.pages, args.dpi, workers)
        print(f"  {workers} process(es): {rate:.2f} pages/s ({1 / rate:.1f} s/page)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
