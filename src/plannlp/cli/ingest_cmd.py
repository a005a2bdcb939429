"""``plannlp ingest``: one or more plan files in, one JSON-LD / JSONL / CSV / Excel / HTML file out."""

from __future__ import annotations

import sys
import time

import click

from ..errors import UsageError, printable
from . import WorkerCount


@click.command("ingest")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Output file (default: standard output). Its extension picks the format: "
                   ".jsonld/.json, .jsonl, .csv (one row per sentence), .xlsx (Excel: sheets of "
                   "sentences, SDG links, indicators, documents), .html (a report to read and "
                   "print: roles, SDG coverage, sentences coloured by role).")
@click.option("--format", "fmt", type=click.Choice(["jsonld", "jsonl", "csv", "xlsx", "html"]), default=None,
              help="Output format; overrides the extension. JSON-LD when neither says.")
@click.option("--pipeline", "pipeline_name", default="default", show_default=True,
              help="A pipeline name from pipelines/ or a path to a .toml file.")
@click.option("--workers", type=WorkerCount(auto_limit=4), default="auto", show_default=True,
              help="Processes for one long document (auto: the CPUs available, at most 4): "
                   "PDFs of 64+ pages are read in page ranges, and the sentence stages "
                   "(tokenize, roles, SDG links) of documents of 1,500+ sentences (about 70 "
                   "pages) run in shards. The output is the same; 1 runs in this process only.")
@click.option("--ocr", type=click.Choice(["auto", "never", "always"]), default=None,
              help="OCR (Tesseract, Japanese) for pages without a usable text layer: auto (the "
                   "pipeline's default) reads only those pages, never leaves them out, always "
                   "reads every page with OCR.")
@click.option("--sample", is_flag=True,
              help="Ingest the bundled sample plan (佐久市 第二次総合計画 基本計画 excerpt).")
@click.option("--max-text-mb", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Refuse text files larger than this many MB (default: the pipeline's "
                   "[extract] max_text_mb, 20). PDFs are not limited by it.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def ingest(files: tuple[str, ...], output: str | None, fmt: str | None, pipeline_name: str,
           workers: int, ocr: str | None, sample: bool, max_text_mb: float | None,
           quiet: bool) -> None:
    """Ingest plan FILES (PDF, .txt, .md; '-' reads standard input).

    Every sentence gets a role (achievement / issue / measure / other) and its SDG links.
    A workbook goes to standard output only when it is redirected to a file.
    The output is written atomically: if the run fails, no partial file is left. When
    several files are given and some fail, the others are still written, each failure is
    reported on one line, and the exit status is 1.

    \b
    Examples:
      plannlp ingest --sample -o sample.jsonld
      plannlp ingest 計画素案.pdf -o 計画素案.csv
      plannlp ingest 計画素案.pdf -o 計画素案.xlsx
      plannlp ingest 計画素案.pdf -o 計画素案.html
      plannlp ingest 総合計画.pdf --workers 1 -o 総合計画.jsonld
      cat plan.txt | plannlp ingest - --format jsonl
    """
    from .. import load_pipeline
    from ..export import format_for, write_documents
    from ..resources import sample_plan

    inputs = list(files)
    if sample:
        inputs.append(str(sample_plan()))
    if not inputs:
        raise UsageError("Give at least one plan file (or --sample). See `plannlp ingest --help`.")
    fmt = format_for(output, fmt)  # fail on a bad extension before any work

    started = time.perf_counter()
    # the outputs carry no tokens: each sentence's are dropped once SDG linking has read them
    extract = {"max_text_mb": max_text_mb} if max_text_mb is not None else None
    pipeline = load_pipeline(pipeline_name, workers=workers, keep_tokens=False, extract=extract,
                             ocr=ocr)
    documents, failures = [], []
    for path in inputs:
        result = pipeline.ingest_safely(path)
        if result.status == "ok":
            documents.append(result.document)
            for warning in result.document.warnings:
                click.echo(f"plannlp: warning: {printable(path)}: {printable(warning)}", err=True)
        else:
            failures.append(result)
            click.echo(f"plannlp: {result.error}", err=True)

    sharded = pipeline.workers.documents_sharded if pipeline.workers else 0
    pipeline.close()
    if not documents:
        target = f" to {printable(output)}" if output not in (None, "-") else ""
        click.echo(f"plannlp: nothing was written{target}: every input failed "
                   f"({len(failures)} file(s), see above).", err=True)
        sys.exit(1)
    write_documents(documents, output, format=fmt)
    if not quiet and output not in (None, "-"):
        sentences = sum(len(d.sentences) for d in documents)
        shared = f", {sharded} of them in {workers} processes" if sharded else ""
        click.echo(
            f"plannlp: wrote {len(documents)} document(s){shared}, {sentences} sentences to "
            f"{printable(output)} ({fmt}) in {time.perf_counter() - started:.1f} s", err=True,
        )
    if failures:
        click.echo(f"plannlp: {len(failures)} of {len(inputs)} file(s) failed.", err=True)
        sys.exit(1)
