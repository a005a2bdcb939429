"""Silver role labels: the documents' own headings, corrected by the guidelines' rules.

A heading is evidence, not truth (annotation guidelines §1). The silver label of a sentence
is decided in this order — each rule is tested in tests/classify/test_silver.py:

1. headings, footnotes/glossary entries and table rows → ``other``;
2. under a section whose hint is ``other`` (目指す姿, 目標, 市民の役割, SDGs…) → ``other``;
3. a stated need (〜必要があります, 〜求められています, 〜が課題です, 〜が懸念されます) →
   ``issue`` (rule 4), whatever the heading;
4. a past-tense report (〜しました) → ``achievement`` (rule 1, tense beats section);
5. a commitment ending (〜します, 〜を図ります, 〜に努めます, plain 〜を推進する) under an
   ``issue`` section → ``measure`` (rule 1);
6. otherwise the section's hint, when there is one;
7. no hint: no silver label (the sentence is left out of silver training data).
"""

from __future__ import annotations

import re

from ..model import Role, SentenceKind

NEED = re.compile(r"(必要があります|必要があ る|必要です|必要がある|求められています|求められる|求められます|課題です|課題となっています|課題となる|懸念されます|懸念されています|懸念される)[。」]*$")
PAST = re.compile(r"(しました|されました|いました|きました|れました|りました|ました|した)[。」]*$")
COMMITMENT = re.compile(
    r"(します|図ります|努めます|進めます|目指します|取り組みます|行います|推進する|図る|努める|進める|目指す|取り組む|支援する|検討する|促進する|実施する|強化する|充実させる)[。」]*$"
)


def silver_role(text: str, kind: SentenceKind, hint: Role | None) -> Role | None:
    """The silver label of a sentence, or None when the headings give no evidence."""
    if kind in ("heading", "footnote", "table_row"):
        return "other"
    if hint == "other":
        return "other"
    stripped = text.strip()
    if NEED.search(stripped):
        return "issue"
    if PAST.search(stripped):
        return "achievement"
    if hint == "issue" and COMMITMENT.search(stripped) and "ています" not in stripped[-8:]:
        return "measure"
    return hint
