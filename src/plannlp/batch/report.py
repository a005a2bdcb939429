"""The batch summary (JSON and Markdown) and the SDG coverage chart (municipality × goal)."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import printable
from ..export.atomic import atomic_writer
from .tables import WORKBOOK, workbook_fits


def write_summary(out: Path, summary, documents: list[dict], failures: list[dict],
                  duplicates: list[dict], tables: dict) -> None:
    """summary.json and summary.md: this run, and what the folder holds after all runs."""
    data = {
        "this_run": summary.to_dict(),
        "all_runs": {"documents_ok": len(documents), "documents_failed": len(failures),
                     "duplicates": len(duplicates),
                     "pages": sum(r.get("pages", 0) for r in documents),
                     "sentences": sum(r.get("sentences", 0) for r in documents)},
        "duplicates": duplicates,
        "tables": {name: len(frame) for name, frame in tables.items()},
    }
    with atomic_writer(out / "summary.json") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
    lines = [
        "# plannlp batch summary", "",
        f"- this run: {summary.processed} processed, {summary.skipped} skipped (already done), "
        f"{len(summary.duplicates)} duplicate(s), {summary.failed} failed, {summary.pages} pages in "
        f"{summary.seconds:.1f} s ({summary.pages_per_second:.1f} pages/s, engine {summary.engine}, "
        f"{summary.workers} worker(s)); {len(summary.set_aside)} file(s) of the folders not taken",
        f"- all runs in this folder: {len(documents)} documents ok, {len(failures)} failed, "
        f"{len(duplicates)} duplicate(s)",
        "- tables: " + ", ".join(f"{name} ({n} rows)" for name, n in data["tables"].items()),
        "- tables/tables.xlsx: " + _workbook_note(out, tables), "",
    ]
    if failures:
        lines += ["## Failures", "", "| file | stage | error | message |", "|---|---|---|---|"]
        lines += [f"| {_cell(e['file'])} | {_cell(e.get('stage'))} | {_cell(e['error_type'])} | "
                  f"{_cell(e['message'])} |" for e in failures]
        lines.append("")
    if duplicates:
        lines += ["## Duplicates (same content as another file: one document row)", "",
                  "| file | same content as |", "|---|---|"]
        lines += [f"| {_cell(d['file'])} | {_cell(d['duplicate_of'])} |" for d in duplicates]
        lines.append("")
    if summary.set_aside:
        lines += ["## Not taken (files of the input folders that are not plans, or left out by "
                  "--include/--exclude)", "", "| file | reason |", "|---|---|"]
        lines += [f"| {_cell(f['file'])} | {_cell(f['reason'])} |" for f in summary.set_aside]
        lines.append("")
    if summary.removed:
        lines += ["## Removed by this run (the file is gone: dropped from the tables)", ""]
        lines += [f"- {_cell(path)}" for path in summary.removed]
        lines.append("")
    with atomic_writer(out / "summary.md") as handle:
        handle.write("\n".join(lines).rstrip("\n") + "\n")


def _workbook_note(out: Path, tables: dict) -> str:
    if (out / "tables" / WORKBOOK).exists():
        return "all four tables, one sheet each"
    if not workbook_fits(tables):
        return ("not written: a table has more rows than an Excel sheet holds (read the CSV or "
                "Parquet files)")
    return "not written (--no-xlsx)"


def _cell(value) -> str:
    """A Markdown table cell: control characters escaped (a newline in a file name would end
    the row), ``|`` replaced."""
    return printable(str(value)).replace("|", "/")


def write_chart(links, documents, path: Path) -> None:
    """Heatmap of SDG-linked sentences by municipality (rows) and goal (columns)."""
    import matplotlib

    matplotlib.use("Agg")
    import japanize_matplotlib  # noqa: F401  (registers IPAexGothic for Japanese labels)
    import matplotlib.pyplot as plt
    import numpy as np

    from ..classify.sdg_lexicon import goal_names

    municipalities = []
    if documents is not None and len(documents):
        municipalities = sorted({m for m in documents["municipality"].fillna("（不明）")})
    counts = np.zeros((max(len(municipalities), 1), 17))
    if links is not None and len(links):
        frame = links.assign(municipality=links["municipality"].fillna("（不明）"))
        for (municipality, goal), n in frame.groupby(["municipality", "goal"]).size().items():
            if municipality in municipalities:
                counts[municipalities.index(municipality), int(goal) - 1] = n
    names = goal_names()
    fig, ax = plt.subplots(figsize=(12, 2.6 + 0.5 * max(len(municipalities), 1)))
    image = ax.imshow(counts, aspect="auto", cmap="Blues")
    ax.set_xticks(range(17), [f"{g} {names[g]}" for g in range(1, 18)], fontsize=7, rotation=40, ha="right")
    ax.set_yticks(range(len(municipalities) or 1), municipalities or ["（文書なし）"])
    for (r, c), n in np.ndenumerate(counts):
        if n:
            ax.text(c, r, int(n), ha="center", va="center", fontsize=7,
                    color="white" if n > counts.max() / 2 else "black")
    ax.set_title("SDGsゴール別の文の数（自治体 × ゴール）")
    fig.colorbar(image, ax=ax, label="文の数")
    fig.tight_layout()
    tmp = path.with_name(f".{path.name}.part.png")
    fig.savefig(tmp, dpi=120)
    plt.close(fig)
    tmp.replace(path)
