"""Ingest throughput against pdftotext on the same Japanese text-layer PDF, in one run.

    python benchmarks/bench_ingest.py [--pages 240]

Builds (into benchmarks/_work/) a PDF of the seed texts with an embedded TrueType font
(IPAexGothic, as word processors embed fonts in real plan PDFs), then prints:

* ``pdftotext`` pages/s (poppler, the reference),
* plannlp extraction only (pypdfium2) pages/s,
* plannlp full ingest pages/s (pipeline built once: clean → … → indicators, JSON-LD written),
* the ratios to pdftotext, peak memory (max RSS), and
* start-up to first output for a one-page PDF (``python -m plannlp ingest one.pdf -o …``).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
WORK = REPO / "benchmarks" / "_work"


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=240)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from scripts.make_fixtures import build_long_pdf

    WORK.mkdir(parents=True, exist_ok=True)
    pdf = WORK / f"bench_{args.pages}.pdf"
    if not pdf.exists():
        pdf.write_bytes(build_long_pdf(args.pages, embed_font=True))
    one = WORK / "one_page.pdf"
    if not one.exists():
        one.write_bytes(build_long_pdf(1, embed_font=True))

    if shutil.which("pdftotext") is None:
        sys.exit("pdftotext (Debian package poppler-utils) is needed as the reference.")
    reference = best_of(args.runs, lambda: subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), str(WORK / "ref.txt")], check=True))

    from plannlp import load_pipeline
    from plannlp.export import write_document
    from plannlp.extract import extract
    from plannlp.pipeline import ExtractSettings

    extraction = best_of(args.runs, lambda: extract(pdf, settings=ExtractSettings()))
    pipeline = load_pipeline()  # models load once, outside the timing
    full = best_of(args.runs, lambda: write_document(pipeline.ingest(pdf), WORK / "out.jsonld"))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    startup = best_of(args.runs, lambda: subprocess.run(
        [sys.executable, "-m", "plannlp", "ingest", str(one), "-o", str(WORK / "one.jsonld"), "-q"], check=True))

    pages = args.pages
    print(f"input: {pdf.name}, {pages} pages, {pdf.stat().st_size / 1e6:.1f} MB (best of {args.runs} runs)")
    print(f"{'':32}{'pages/s':>10}{'vs pdftotext':>14}")
    print(f"{'pdftotext (reference)':32}{pages / reference:>10.0f}{1.0:>14.2f}")
    print(f"{'plannlp extract (pypdfium2)':32}{pages / extraction:>10.0f}{reference / extraction:>14.2f}")
    print(f"{'plannlp ingest (full pipeline)':32}{pages / full:>10.0f}{reference / full:>14.2f}")
    print(f"peak memory (max RSS of this process): {peak_mb:.0f} MB")
    print(f"start-up to first output, one-page PDF: {startup:.2f} s")


if __name__ == "__main__":
    main()
