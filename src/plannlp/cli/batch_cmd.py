"""``plannlp batch``: many plans in parallel, resumable, into per-document JSON-LD and tables."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from ..errors import printable
from . import WorkerCount, feedback


class Progress:
    """A tqdm bar on a terminal (:func:`feedback.progress`); plain log lines (every 2 s or
    so) otherwise; nothing with ``plannlp --quiet``."""

    def __init__(self, total: int, skipped_hint: str = "") -> None:
        self.total = total
        self.bar = None
        self.last_logged = 0.0
        if feedback.shows_progress():
            self.bar = feedback.progress(total, unit="doc", desc="batch", leave=True)

    def __call__(self, summary) -> None:
        done = summary.processed + summary.failed
        already = summary.skipped + len(summary.duplicates)
        remaining = self.total - already - done
        rate = done / summary.seconds if summary.seconds else 0.0
        eta = remaining / rate if rate else 0.0
        text = (f"done {done + already}/{self.total} (skipped {already}) failed {summary.failed} "
                f"{summary.pages_per_second:.1f} pages/s ETA {time.strftime('%H:%M:%S', time.gmtime(eta))}")
        if self.bar is not None:
            self.bar.n = done + already
            self.bar.set_postfix_str(f"failed {summary.failed}, {summary.pages_per_second:.1f} pages/s")
            self.bar.refresh()
        elif time.monotonic() - self.last_logged > 2 or remaining == 0:
            self.last_logged = time.monotonic()
            feedback.info(f"batch: {text}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@click.command("batch")
@click.argument("inputs", nargs=-1)
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Output folder (documents/, tables/, state.jsonl, errors.jsonl, summary, chart).")
@click.option("--workers", type=WorkerCount(), default="auto", show_default=True,
              help="Worker processes, one document each (auto: the CPUs available).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a process pool; dask: a Dask cluster (LocalCluster unless --scheduler).")
@click.option("--scheduler", default=None, help="Address of an existing Dask scheduler, e.g. tcp://10.0.0.5:8786.")
@click.option("--manifest", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="CSV: path (or file), title, municipality, municipality_code, plan_type, period "
                   "(2023-2027, 令和5年度～令和9年度), previous_revision; its values win over what "
                   "the text says, and are checked before any work.")
@click.option("--include", multiple=True, metavar="GLOB",
              help="Of a folder, take only files whose path in it or name matches GLOB (repeatable), "
                   "e.g. --include '*.pdf'.")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Of a folder, leave out files whose path in it or name matches GLOB (repeatable), "
                   "e.g. --exclude 'drafts/*'.")
@click.option("--pipeline", "pipeline_name", default="default", show_default=True, help="Pipeline name or .toml.")
@click.option("--ocr", type=click.Choice(["auto", "never", "always"]), default=None,
              help="OCR (Tesseract, Japanese) for pages without a usable text layer: auto (the "
                   "pipeline's default) reads only those pages, never leaves them out, always "
                   "reads every page with OCR.")
@click.option("--xlsx/--no-xlsx", "workbook", default=True, show_default=True,
              help="Write the combined tables as one Excel workbook too (tables/tables.xlsx: "
                   "sentences, sdg_links, indicators, documents sheets, with the goals' Japanese "
                   "names). It is rebuilt at every run, about half a second per 1,000 sentences; "
                   "--no-xlsx skips it for large collections (and removes an older one).")
def batch(inputs: tuple[str, ...], out_dir: str, workers: int, engine: str, scheduler: str | None,
          manifest: Path | None, include: tuple[str, ...], exclude: tuple[str, ...],
          pipeline_name: str, ocr: str | None, workbook: bool) -> None:
    """Process INPUTS (folders, files, globs) and/or a --manifest into OUT.

    Of a folder, only files that look like plans are taken: PDFs, and text files of Japanese
    text (README, SOURCE, LICENSE files, .md notes, short or non-Japanese text files are
    not); summary.md lists the others with the reason.

    A rerun skips documents already done with the same content and pipeline; a killed run
    resumes. A bad file is recorded in errors.jsonl and the run goes on; the exit status is
    1 if any document failed.

    \b
    Examples:
      plannlp batch plans/ -o out/ --workers 2
      plannlp batch plans/ -o out/ --include '*.pdf' --exclude 'old/*'
      plannlp batch --manifest plans.csv -o out/ --engine dask --scheduler tcp://HOST:8786
    """
    from ..batch import run_batch
    from ..batch.inputs import collect_inputs
    from ..pipeline import OCR_ENVIRONMENT
    from .extras import require

    require("pandas", "pyarrow")  # the tables, before hours of work

    if ocr:  # the worker processes inherit it (a remote Dask cluster's workers do not)
        os.environ[OCR_ENVIRONMENT] = ocr

    collected = collect_inputs(list(inputs), manifest, include=include, exclude=exclude)
    items = collected.items
    if engine == "dask" and scheduler:
        from ..batch.scheduler import check_scheduler

        check_scheduler(scheduler)  # at once, rather than Dask's 30 s and a traceback
    progress = Progress(len(items))
    try:
        summary = run_batch(items, out_dir, workers=workers, engine=engine, scheduler=scheduler,
                            pipeline_name=pipeline_name, progress=progress,
                            set_aside=collected.set_aside, workbook=workbook)
    finally:
        progress.close()
    report(summary, Path(out_dir))
    if summary.failed:
        sys.exit(1)


def report(summary, out: Path) -> None:
    """The run's closing lines (file names with control characters shown escaped)."""
    def shown(name: str = "") -> str:
        return printable(str(out / name) if name else str(out))

    lines = [f"{summary.processed} processed, {summary.skipped} skipped, {len(summary.duplicates)} "
             f"duplicate(s), {summary.failed} failed; {summary.pages} pages in {summary.seconds:.1f} s "
             f"({summary.pages_per_second:.1f} pages/s) → {shown()}"]
    if summary.duplicates:
        lines.append(f"{len(summary.duplicates)} file(s) have the same content as another and were "
                     f"not processed again; listed in {shown('summary.md')}")
    if summary.set_aside:
        lines.append(f"{len(summary.set_aside)} file(s) of the folders were not taken (not plans by "
                     f"their content, or --include/--exclude); listed in {shown('summary.md')}")
    if summary.removed:
        lines.append(f"{len(summary.removed)} file(s) of earlier runs are gone and were dropped from "
                     f"the tables; listed in {shown('summary.md')}")
    if summary.failed:
        lines.append(f"{summary.failed} document(s) failed; see {shown('errors.jsonl')}")
    for line in lines:
        feedback.info(f"batch: {line}")
