"""Reliability diagram of the role classifier from `plannlp evaluate --json` figures.

    plannlp evaluate --only roles --json docs/eval_roles.json
    python scripts/reliability_plot.py docs/eval_roles.json docs/img/role_reliability.png

For the shipped family (the file's "shipped" key, else "context"), without hints: the mean
confidence of the predicted label against how often it is right, per confidence bin, pooled
over the held-out folds; the bar under each point is the bin's share of sentences.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    figures = json.loads(source.read_text(encoding="utf-8"))["roles"]
    family = figures.get("shipped", "context")
    bins = [b for b in figures["families"][family]["no_hint"]["reliability"] if b["count"]]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    total = sum(b["count"] for b in bins)
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfectly calibrated")
    ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o",
            label=f"{family} model, held-out folds, no hints")
    ax.bar([b["confidence"] for b in bins], [b["count"] / total for b in bins], width=0.05, alpha=0.3,
           label="share of sentences")
    ax.set_xlabel("confidence of the predicted role")
    ax.set_ylabel("accuracy")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Role classifier: reliability (grouped 5-fold CV)")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=110)
    print(f"{target}: {len(bins)} bins, {total} sentences")


if __name__ == "__main__":
    main()
