"""Classification metrics as plain functions (no hidden averaging choices).

``per_class`` gives precision, recall, F1 and support for every label; ``macro_f1`` is
the unweighted mean of the labels' F1; ``confusion`` is rows = gold, columns = predicted.
"""

from __future__ import annotations

from collections.abc import Sequence


def _safe(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def per_class(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, dict[str, float]]:
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    report = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision, recall = _safe(tp, tp + fp), _safe(tp, tp + fn)
        report[label] = {
            "precision": precision,
            "recall": recall,
            "f1": _safe(2 * precision * recall, precision + recall),
            "support": tp + fn,
        }
    return report


def macro_f1(report: dict[str, dict[str, float]]) -> float:
    return _safe(sum(r["f1"] for r in report.values()), len(report))


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return _safe(sum(g == p for g, p in zip(gold, predicted, strict=True)), len(gold))


def confusion(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def micro_prf(gold_sets: Sequence[set], predicted_sets: Sequence[set]) -> dict[str, float]:
    """Micro precision/recall/F1 over multi-label sets (e.g. SDG goals per 施策)."""
    tp = sum(len(g & p) for g, p in zip(gold_sets, predicted_sets, strict=True))
    fp = sum(len(p - g) for g, p in zip(gold_sets, predicted_sets, strict=True))
    fn = sum(len(g - p) for g, p in zip(gold_sets, predicted_sets, strict=True))
    precision, recall = _safe(tp, tp + fp), _safe(tp, tp + fn)
    return {"precision": precision, "recall": recall, "f1": _safe(2 * precision * recall, precision + recall),
            "tp": tp, "fp": fp, "fn": fn}


def format_report(title: str, report: dict[str, dict[str, float]], matrix: list[list[int]],
                  labels: Sequence[str]) -> str:
    lines = [title, f"{'':14}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for label in labels:
        r = report[label]
        lines.append(f"{label:14}{r['precision']:>10.3f}{r['recall']:>10.3f}{r['f1']:>10.3f}{int(r['support']):>10}")
    lines.append(f"{'macro-F1':14}{'':>20}{macro_f1(report):>10.3f}")
    lines.append("confusion (rows gold, columns predicted): " + " ".join(f"{label[:4]:>6}" for label in labels))
    for label, row in zip(labels, matrix, strict=True):
        lines.append(f"  {label:12}" + "".join(f"{n:>6}" for n in row))
    return "\n".join(lines)
