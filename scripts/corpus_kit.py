#!/usr/bin/env python3
"""Corpus kit: add real excerpts of municipal documents to plannlp's labelled corpus
(the tool the corpus was built with; layout and rules: corpora/README.md).

    python scripts/corpus_kit.py role-add ...   (or any command below)

Role corpus (sentences labelled achievement / issue / measure / other):
  kit role-add  --batch B --municipality 吉野町 --prefecture 奈良県 --doc-type comprehensive_plan \
                --title "第4次吉野町総合計画 後期基本計画" --year 2016 --url URL --text-file F
      Stores F (the excerpt, verbatim) and prints its numbered sentences. Prints the new excerpt id.
  kit role-label ID "m i a o x ..."
      One code per printed sentence, in order: a=achievement i=issue m=measure o=other
      s=skip (undecidable under the guidelines) x=fragment (not a whole sentence: cut by the
      excerpt's end or by the page's layout; left out of the corpus).
  kit role-show ID      (prints the sentences again, with labels if given)
  kit stats             (counts so far, all batches)

SDG corpus (sections with the municipality's OWN goal numbers):
  kit sdg-add --batch B --municipality M --prefecture P --doc-type T --title "document title" \
              --year Y --url URL --section "section title" --goals "3;11" [--targets "3.8;11.7"] \
              [--title-only] --text-file F
      F: the section's text, verbatim, WITHOUT the line that names the goals. With --title-only
      there is no text: the source pairs only the section title with its goals (F not needed).
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
from plannlp.japanese.sentences import split_sentences  # noqa: E402
from plannlp.japanese.width import compact_nfkc  # noqa: E402
from plannlp.training.corpus import DOC_TYPES, MANIFEST_FIELDS, municipality_codes  # noqa: E402

ROOT = REPO / "corpora"
ROLES = ROOT / "roles" / "batches"
SDG = ROOT / "sdg" / "batches"
CODES = {"a": "achievement", "i": "issue", "m": "measure", "o": "other", "s": "skip", "x": None}
SDG_FIELDS = ["section_id", "municipality", "prefecture", "municipality_code", "doc_type", "title",
              "year", "url", "retrieved", "section", "goals", "targets", "level", "text", "annotator"]


def municipality_code(pref, name):
    table = municipality_codes()
    code = table.get((pref, name))
    if code is None:
        near = [n for (p, n) in table if p == pref and (name in n or n in name)]
        sys.exit(f"ERROR: {name} ({pref}) is not in the list of municipalities. Near: {near[:8]}. "
                 "Give the official name with 市/町/村/区 and the right prefecture (都/道/府/県).")
    return code


def kind_of(name):
    return {"市": "city", "町": "town", "村": "village", "区": "ward"}.get(name[-1], "other")


def sentences_of(text):
    out = []
    for line in text.splitlines():
        for a, b in split_sentences(line):
            out.append(line[a:b])
    return out


def known_sentences(skip_id=None):
    seen = {}
    for f in ROLES.glob("*/labels/*.tsv"):
        if f.stem == skip_id:
            continue
        for row in csv.DictReader(f.open(encoding="utf-8"), delimiter="\t"):
            seen[compact_nfkc(row["text"])] = f.stem
    return seen


def known_urls():
    urls = {}
    for f in ROLES.glob("*/manifest.csv"):
        for row in csv.DictReader(f.open(encoding="utf-8")):
            urls[row["url"]] = row["excerpt_id"]
    return urls


def role_add(a):
    if a.doc_type not in DOC_TYPES:
        sys.exit(f"ERROR: --doc-type must be one of {', '.join(DOC_TYPES)}")
    code = municipality_code(a.prefecture, a.municipality)
    text = Path(a.text_file).read_text(encoding="utf-8").strip("\n") + "\n"
    if a.url in known_urls():
        sys.exit(f"ERROR: this URL is already excerpt {known_urls()[a.url]}")
    sents = sentences_of(text)
    if len(sents) < 3:
        sys.exit("ERROR: fewer than 3 sentences; pick a longer excerpt")
    seen = known_sentences()
    dup = [s for s in sents if compact_nfkc(s) in seen and len(compact_nfkc(s)) > 15]
    if len(dup) > max(2, len(sents) // 4):
        sys.exit(f"ERROR: {len(dup)} of {len(sents)} sentences are already in the corpus "
                 f"(excerpt {seen[compact_nfkc(dup[0])]}): the same text from another page. Skip it.")
    bdir = ROLES / a.batch
    (bdir / "excerpts").mkdir(parents=True, exist_ok=True)
    (bdir / "labels").mkdir(parents=True, exist_ok=True)
    n = len(list((bdir / "excerpts").glob("*.txt"))) + 1
    eid = f"{a.batch}-{n:03d}"
    (bdir / "excerpts" / f"{eid}.txt").write_text(text, encoding="utf-8")
    man = bdir / "manifest.csv"
    new = not man.exists()
    with man.open("a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(MANIFEST_FIELDS))
        if new:
            w.writeheader()
        w.writerow({"excerpt_id": eid, "municipality": a.municipality, "prefecture": a.prefecture,
                    "municipality_code": code, "municipality_kind": kind_of(a.municipality),
                    "doc_type": a.doc_type, "title": a.title, "year": a.year, "url": a.url,
                    "retrieved": date.today().isoformat(), "annotator": a.batch})
    print(f"excerpt id: {eid}  ({len(sents)} sentences)")
    for i, s in enumerate(sents, 1):
        mark = "  [DUPLICATE: will be left out]" if s in dup else ""
        print(f"{i:3d}  {s}{mark}")


def find_excerpt(eid):
    batch = eid.rsplit("-", 1)[0]
    f = ROLES / batch / "excerpts" / f"{eid}.txt"
    if not f.exists():
        sys.exit(f"ERROR: no excerpt {eid}")
    return ROLES / batch, f


def role_label(a):
    bdir, f = find_excerpt(a.excerpt_id)
    sents = sentences_of(f.read_text(encoding="utf-8"))
    codes = a.labels.split()
    if len(codes) != len(sents):
        sys.exit(f"ERROR: {len(codes)} labels for {len(sents)} sentences; nothing written")
    bad = [c for c in codes if c not in CODES]
    if bad:
        sys.exit(f"ERROR: unknown label codes {bad}; use a i m o s x")
    seen = known_sentences(skip_id=a.excerpt_id)
    out = bdir / "labels" / f"{a.excerpt_id}.tsv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["excerpt_id", "n", "role", "text"])
        kept = 0
        for i, (s, c) in enumerate(zip(sents, codes, strict=True), 1):
            if CODES[c] is None or (compact_nfkc(s) in seen and len(compact_nfkc(s)) > 15):
                continue
            w.writerow([a.excerpt_id, i, CODES[c], s])
            kept += 1
    print(f"wrote {kept} labelled sentences to {out}")


def role_show(a):
    bdir, f = find_excerpt(a.excerpt_id)
    labels = {}
    lf = bdir / "labels" / f"{a.excerpt_id}.tsv"
    if lf.exists():
        labels = {int(r["n"]): r["role"] for r in csv.DictReader(lf.open(encoding="utf-8"), delimiter="\t")}
    for i, s in enumerate(sentences_of(f.read_text(encoding="utf-8")), 1):
        print(f"{i:3d}  {labels.get(i, '-'):12s} {s}")


def sdg_add(a):
    if a.doc_type not in DOC_TYPES:
        sys.exit(f"ERROR: --doc-type must be one of {', '.join(DOC_TYPES)}")
    code = municipality_code(a.prefecture, a.municipality)
    goals = sorted({int(g) for g in re.split(r"[;,\s]+", a.goals.strip()) if g})
    if not goals or any(not 1 <= g <= 17 for g in goals):
        sys.exit("ERROR: --goals must be numbers 1..17, e.g. '3;11'")
    targets = [t for t in re.split(r"[;,\s]+", (a.targets or "").strip()) if t]
    for t in targets:
        if not re.fullmatch(r"\d{1,2}\.[0-9a-c]{1,2}", t) or int(t.split(".")[0]) not in goals:
            sys.exit(f"ERROR: target {t} is not N.M of one of the goals {goals}")
    text = ""
    if not a.title_only:
        text = Path(a.text_file).read_text(encoding="utf-8").strip()
        if len(text) < 20:
            sys.exit("ERROR: the section text is too short (or use --title-only)")
        if re.search(r"(SDGs?|ＳＤＧｓ?)[^\n]{0,6}(ゴール|目標)\s*\d|関連するSDGs", text):
            sys.exit("ERROR: the text still names the goals; remove that line")
    bdir = SDG / a.batch
    bdir.mkdir(parents=True, exist_ok=True)
    out = bdir / "sections.jsonl"
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    for f in SDG.glob("*/sections.jsonl"):
        for line in f.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            if r["municipality"] == a.municipality and compact_nfkc(r["section"]) == compact_nfkc(a.section) and r["level"] == ("title" if a.title_only else "section"):
                sys.exit(f"ERROR: this section is already {r['section_id']}")
            if text and r["text"] and compact_nfkc(r["text"]) == compact_nfkc(text):
                sys.exit(f"ERROR: the same text is already {r['section_id']}")
    sid = f"{a.batch}-{len(rows) + 1:03d}"
    row = {"section_id": sid, "municipality": a.municipality, "prefecture": a.prefecture,
           "municipality_code": code, "doc_type": a.doc_type, "title": a.title, "year": a.year,
           "url": a.url, "retrieved": date.today().isoformat(), "section": a.section,
           "goals": goals, "targets": targets, "level": "title" if a.title_only else "section",
           "text": text, "annotator": a.batch}
    with out.open("a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"section id: {sid}  goals {goals} targets {targets}  ({len(text)} characters)")


def stats(a):
    from collections import Counter
    roles, munis, exc = Counter(), set(), 0
    for f in ROLES.glob("*/labels/*.tsv"):
        exc += 1
        for r in csv.DictReader(f.open(encoding="utf-8"), delimiter="\t"):
            roles[r["role"]] += 1
    for f in ROLES.glob("*/manifest.csv"):
        for r in csv.DictReader(f.open(encoding="utf-8")):
            munis.add((r["prefecture"], r["municipality"]))
    print("roles:", dict(roles), "sentences", sum(roles.values()), "labelled excerpts", exc,
          "municipalities", len(munis), "prefectures", len({p for p, _ in munis}))
    secs = []
    for f in SDG.glob("*/sections.jsonl"):
        secs += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()]
    print("sdg: sections", sum(r["level"] == "section" for r in secs), "titles",
          sum(r["level"] == "title" for r in secs), "municipalities",
          len({(r["prefecture"], r["municipality"]) for r in secs}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("role-add", "sdg-add"):
        q = sub.add_parser(name)
        for opt in ("batch", "municipality", "prefecture", "doc-type", "title", "year", "url"):
            q.add_argument("--" + opt, required=True)
        q.add_argument("--text-file")
        if name == "sdg-add":
            q.add_argument("--section", required=True)
            q.add_argument("--goals", required=True)
            q.add_argument("--targets", default="")
            q.add_argument("--title-only", action="store_true")
    q = sub.add_parser("role-label")
    q.add_argument("excerpt_id")
    q.add_argument("labels")
    q = sub.add_parser("role-show")
    q.add_argument("excerpt_id")
    sub.add_parser("stats")
    a = p.parse_args()
    {"role-add": role_add, "role-label": role_label, "role-show": role_show, "sdg-add": sdg_add,
     "stats": stats}[a.cmd](a)


if __name__ == "__main__":
    main()
