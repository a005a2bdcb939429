"""Evaluation of the revision tracer on the hand-built gold alignment.

Gold (``corpora/gold/alignment.tsv``), labelled continued / revised / none by reading the pairs:

1. seed 000: the earlier plan's achievements (第一次総合計画後期基本計画の主な取組) against the
   new plan's measures (第二次総合計画前期基本計画の主な取組) of the same topic;
2. seed 000's measures (2017) against the 協働 sector plan's measures in seed 001 (2022).

Protocol: leave one group out — the groups are comparison 1's topics and comparison 2 as a
whole; the thresholds are chosen on the other groups' gold pairs (grid search, F1 of "aligned
or not"), then the held-out group's pairs are predicted; figures are pooled. So no pair is
predicted with thresholds tuned on it.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import replace
from pathlib import Path

from .align import Pair, TraceSettings, align, score_matrix, units_of

REVISE_GRID = (0.20, 0.25, 0.30, 0.35, 0.40)
CONTINUE_GRID = (0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70)


def read_gold(corpus_dir: Path) -> list[dict[str, str]]:
    with (corpus_dir / "gold" / "alignment.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


Key = tuple[str, str, str, str]  # old doc, old id, new doc, new id


def _key(g: dict[str, str]) -> Key:
    return (g["old_doc"], g["old_id"], g["new_doc"], g["new_id"])


def _predicted(pairs: list[Pair], old_doc: str, new_doc: str) -> dict[Key, str]:
    return {(old_doc, p.old.id, new_doc, p.new.id): p.status for p in pairs if p.old and p.new}


def _scores(gold: list[dict[str, str]], predicted: dict[Key, str]) -> dict[str, float]:
    tp = sum(1 for g in gold if g["relation"] != "none" and _key(g) in predicted)
    fp = sum(1 for g in gold if g["relation"] == "none" and _key(g) in predicted)
    fn = sum(1 for g in gold if g["relation"] != "none" and _key(g) not in predicted)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    found = [g for g in gold if g["relation"] != "none" and _key(g) in predicted]
    status_right = sum(1 for g in found if predicted[_key(g)] == g["relation"])
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn,
            "status_accuracy": status_right / len(found) if found else 0.0, "aligned_gold": len(found)}


COMPARISONS = (  # (old doc, old role, new doc, new role)
    ("000", "achievement", "000", "measure"),
    ("000", "measure", "001", "measure"),
)
SEEDS = {"000": "000_ccc5004d4596790b.txt", "001": "001_66d1d15548724d4f.txt"}


def evaluate_trace(corpus_dir: Path) -> dict:
    from .. import load_pipeline

    gold = read_gold(corpus_dir)
    pipeline = load_pipeline()
    docs = {key: pipeline.ingest(corpus_dir / "seeds" / name) for key, name in SEEDS.items()}
    prepared = []
    for old_doc, old_role, new_doc, new_role in COMPARISONS:
        old, new = units_of(docs[old_doc], old_role), units_of(docs[new_doc], new_role)
        prepared.append((old_doc, new_doc, old, new, score_matrix(old, new, TraceSettings())))
    cache: dict[tuple[float, float], dict[Key, str]] = {}

    def predict(revise: float, cont: float) -> dict[Key, str]:
        if (revise, cont) not in cache:
            settings = replace(TraceSettings(), revise_threshold=revise, continue_threshold=cont,
                               split_threshold=max(revise, TraceSettings().split_threshold))
            cache[(revise, cont)] = {}
            for old_doc, new_doc, old, new, matrix in prepared:
                cache[(revise, cont)].update(_predicted(align(old, new, settings, matrix), old_doc, new_doc))
        return cache[(revise, cont)]

    grid = [(r, c) for r, c in itertools.product(REVISE_GRID, CONTINUE_GRID) if c > r]
    groups = sorted({g["topic"] for g in gold})
    held_out_predictions: dict[Key, str] = {}
    folds = []
    for group in groups:
        dev = [g for g in gold if g["topic"] != group]
        test = [g for g in gold if g["topic"] == group]

        def objective(rc, dev=dev):
            predicted = predict(*rc)
            status = sum(1 for g in dev if g["relation"] != "none" and predicted.get(_key(g)) == g["relation"])
            return (_scores(dev, predicted)["f1"], status, -rc[0])

        revise, cont = max(grid, key=objective)
        chosen = predict(revise, cont)
        held_out_predictions.update({_key(g): chosen[_key(g)] for g in test if _key(g) in chosen})
        folds.append({"group": group, "pairs": len(test), "revise_threshold": revise,
                      "continue_threshold": cont, **_scores(test, chosen)})
    pooled = _scores(gold, held_out_predictions)
    by_comparison = {f"{o}→{n}": _scores([g for g in gold if (g["old_doc"], g["new_doc"]) == (o, n)],
                                         held_out_predictions) for o, _, n, _ in COMPARISONS}
    default = _scores(gold, predict(TraceSettings().revise_threshold, TraceSettings().continue_threshold))
    lines = [
        f"Revision tracing, {len(gold)} gold pairs ({sum(g['relation'] != 'none' for g in gold)} aligned, "
        f"{sum(g['relation'] == 'none' for g in gold)} not); thresholds chosen leaving each group out",
        f"  alignment: precision {pooled['precision']:.3f}, recall {pooled['recall']:.3f}, F1 {pooled['f1']:.3f} "
        f"(tp {pooled['tp']}, fp {pooled['fp']}, fn {pooled['fn']})",
        f"  status (continued vs revised) right on {pooled['status_accuracy']:.3f} of the {pooled['aligned_gold']} "
        f"gold pairs found",
    ]
    for name, scores in by_comparison.items():
        lines.append(f"  {name}: precision {scores['precision']:.3f}, recall {scores['recall']:.3f}, "
                     f"F1 {scores['f1']:.3f}")
    lines.append("  per held-out group: " + "; ".join(
        f"{f['group']} F1 {f['f1']:.2f} (t_revise {f['revise_threshold']}, t_continue {f['continue_threshold']})"
        for f in folds))
    lines.append(f"  shipped defaults (revise {TraceSettings().revise_threshold}, continue "
                 f"{TraceSettings().continue_threshold}) on all pairs: F1 {default['f1']:.3f} — not a test figure "
                 f"(the defaults were chosen on these pairs)")
    return {"pooled": pooled, "by_comparison": by_comparison, "folds": folds, "defaults_on_all": default,
            "text": "\n".join(lines)}
