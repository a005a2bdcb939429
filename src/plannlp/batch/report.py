"""The batch summary (JSON and Markdown) and the SDG coverage chart (municipality × goal)."""

from __future__ import annotations

import json
from pathlib import Path

from ..export.atomic import atomic_writer


def write_summary(out: Path, summary, ledger: dict, tables: dict) -> None:
    ok = [r for r in ledger.values() if r.get("status") == "ok"]
    failed = [r for r in ledger.values() if r.get("status") == "failed"]
    data = {
        "this_run": summary.to_dict(),
        "all_runs": {"documents_ok": len(ok), "documents_failed": len(failed),
                     "pages": sum(r.get("pages", 0) for r in ok), "sentences": sum(r.get("sentences", 0) for r in ok)},
        "tables": {name: len(frame) for name, frame in tables.items()},
    }
    with atomic_writer(out / "summary.json") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
    lines = [
        "# plannlp batch summary", "",
        f"- this run: {summary.processed} processed, {summary.skipped} skipped (already done), "
        f"{summary.failed} failed, {summary.pages} pages in {summary.seconds:.1f} s "
        f"({summary.pages_per_second:.1f} pages/s, engine {summary.engine}, {summary.workers} worker(s))",
        f"- all runs in this folder: {len(ok)} documents ok, {len(failed)} failed",
        "- tables: " + ", ".join(f"{name} ({n} rows)" for name, n in data["tables"].items()), "",
    ]
    if failed:
        lines += ["## Failures", "", "| file | stage | error | message |", "|---|---|---|---|"]
        for record in failed:
            error = record["error"]
            lines.append(f"| {error['file']} | {error.get('stage')} | {error['error_type']} | "
                         f"{error['message'].replace('|', '/')} |")
    with atomic_writer(out / "summary.md") as handle:
        handle.write("\n".join(lines) + "\n")


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
