"""Extract seed 003's own SDG labels: (施策, goals) pairs from each ◆SDGsの取り組み.

    python scripts/extract_sdg_gold.py > corpora/gold/sdg_komoro_003.tsv

小諸市第11次基本計画（素案） lists, for each of its 24 施策, the goals it serves
("ゴール4 「質の高い教育をみんなに」"). Those are the municipality's own labels (source
"document"). The measure's text for training is the block from 【施策N－M】 to the next 施策,
*without* its ◆SDGsの取り組み section (which names the goals and would leak them).
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpora" / "seeds" / "003_7408c9a1c0dcab75.txt"
MEASURE = re.compile(r"^【\s*施策\s*(\d+)\s*[－\-]\s*(\d+)\s*】")
GOAL = re.compile(r"^ゴール\s*(\d{1,2})")
SECTION = re.compile(r"^◆")


def extract(lines: list[str]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    current = None
    in_sdg = False
    for number, raw in enumerate(lines, start=1):
        line = unicodedata.normalize("NFKC", raw).strip()
        found = MEASURE.match(line)
        if found:
            if current:
                current["end_line"] = str(number - 1)
            policy, item = found.groups()
            title = line[found.end():].strip()
            current = {"policy": policy, "measure": f"{policy}-{item}", "title": title, "goals": [],
                       "start_line": str(number), "end_line": "", "sdg_lines": []}
            rows.append(current)
            in_sdg = False
            continue
        if current is None:
            continue
        if not current["title"] and line and not line.startswith("◆"):
            current["title"] = line
        if SECTION.match(line):
            in_sdg = "SDG" in line.replace(" ", "")
        goal = GOAL.match(line)
        if in_sdg and goal:
            current["goals"].append(int(goal.group(1)))
        if in_sdg and line:
            current["sdg_lines"].append(str(number))
    if current:
        current["end_line"] = str(len(lines))
    return rows


def main() -> None:
    rows = extract(SEED.read_text(encoding="utf-8").splitlines())
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    writer.writerow(["policy", "measure", "title", "goals", "source", "start_line", "end_line", "sdg_lines"])
    for row in rows:
        writer.writerow([row["policy"], row["measure"], row["title"], ";".join(map(str, row["goals"])),
                         "document", row["start_line"], row["end_line"], ";".join(row["sdg_lines"])])


if __name__ == "__main__":
    main()
