"""How roles and SDG goals are shown to people: names, colours, the low-confidence mark.

One place for what the review page (:mod:`plannlp.serve`), the HTML report and the Excel
workbook (:mod:`plannlp.export.report`, :mod:`plannlp.export.xlsx`) show, so they agree.
"""

from __future__ import annotations

from ..classify.sdg_lexicon import goal_names

#: the goals' official colours (UN SDG communications guidelines)
GOAL_COLOURS = {
    1: "#E5243B", 2: "#DDA63A", 3: "#4C9F38", 4: "#C5192D", 5: "#FF3A21", 6: "#26BDE2",
    7: "#FCC30B", 8: "#A21942", 9: "#FD6925", 10: "#DD1367", 11: "#FD9D24", 12: "#BF8B2E",
    13: "#3F7E44", 14: "#0A97D9", 15: "#56C02B", 16: "#00689D", 17: "#19486A",
}
#: the roles' names as a plan states them
ROLE_NAMES = {"achievement": "実績", "issue": "現状と課題", "measure": "施策", "other": "その他"}
#: role → (border colour, background colour) of a sentence marked with it
ROLE_COLOURS = {
    "achievement": ("#3F7E44", "#eef6ec"), "issue": ("#C5192D", "#fbecee"),
    "measure": ("#0A97D9", "#e8f5fb"), "other": ("#999999", "#f5f5f5"),
}
#: a sentence whose role confidence is below this is flagged for review
LOW_CONFIDENCE = 0.6


def goal_label(goal: int) -> str:
    """``11 住み続けられるまちづくりを``: the goal's number and official Japanese short name."""
    return f"{goal} {goal_names()[goal]}"


__all__ = ["GOAL_COLOURS", "LOW_CONFIDENCE", "ROLE_COLOURS", "ROLE_NAMES", "goal_label", "goal_names"]
