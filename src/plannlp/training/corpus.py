"""Readers of the labelled corpus under ``corpora/`` (layout: ``corpora/README.md``).

* **Role corpus**: real excerpts of many municipalities' documents, each sentence labelled
  achievement / issue / measure / other (or skip) by the annotation guidelines. Excerpts are
  stored in batches, ``corpora/roles/batches/<batch>/``: ``manifest.csv`` (one row per
  excerpt, with its source), ``excerpts/<id>.txt`` (the text as taken from the source) and
  ``labels/<id>.tsv`` (its sentences with their labels). The seeds' gold set
  (``corpora/gold/roles.tsv``) is read as five more excerpts.
* **SDG corpus**: sections (施策, 事業, 取組) with the goals the municipality itself states
  for them, ``corpora/sdg/batches/<batch>/sections.jsonl``, plus seed 003's 24 施策.
  Rows of ``level == "title"`` pair only a title with its goals and are counted apart.
* **Folds**: ``corpora/folds.tsv`` assigns every municipality to one of five folds; every
  evaluation holds out whole folds, so no municipality is ever in training and test.
* **Agreement**: ``corpora/roles/agreement.tsv``, sentences labelled a second time blind to
  the first labels, with the adjudicated label; ``corpora/sdg/agreement/<reader>.tsv``, the
  SDG sections' goals as blind readers of their text alone chose them.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..japanese.width import compact_nfkc
from ..model import SDG_GOALS
from ..resources import data_path
from .metrics import per_class

ROLE_LABELS = ("achievement", "issue", "measure", "other")
LABELS = (*ROLE_LABELS, "skip")
N_FOLDS = 5
#: The folds the features and model settings were designed on (docs/classifiers.md); figures
#: pooled over the other folds are on data never looked at while designing.
DEV_FOLDS = (0, 1)

#: Document types of the manifest, with what they cover.
DOC_TYPES = {
    "comprehensive_plan": "総合計画・基本構想・基本計画（前期/後期）",
    "sector_plan": "分野別計画（福祉・環境・教育・防災…）",
    "regional_strategy": "まち・ひと・しごと創生総合戦略",
    "policy_speech": "施政方針・所信表明・予算編成方針の説明",
    "implementation_plan": "実施計画",
    "evaluation_report": "行政評価・施策評価・事務事業評価・実績報告",
    "newsletter": "広報（予算・決算・成果の記事）",
    "sdg_plan": "SDGs未来都市計画・SDGs推進計画",
    "other": "その他（議会資料・審議会資料など）",
}
MANIFEST_FIELDS = ("excerpt_id", "municipality", "prefecture", "municipality_code",
                   "municipality_kind", "doc_type", "title", "year", "url", "retrieved", "annotator")
SDG_FIELDS = ("section_id", "municipality", "prefecture", "municipality_code", "doc_type", "title",
              "year", "url", "retrieved", "section", "goals", "targets", "level", "text", "annotator")
#: The seeds' plan types (corpora/manifest.csv) as document types.
SEED_DOC_TYPES = {"総合計画（基本計画）": "comprehensive_plan", "分野別計画": "sector_plan",
                  "総合計画（策定方針）": "comprehensive_plan", "基本計画": "comprehensive_plan"}


@dataclass(frozen=True)
class Excerpt:
    """One excerpt of one document, with its provenance (a manifest row)."""

    excerpt_id: str
    municipality: str
    prefecture: str
    municipality_code: str
    municipality_kind: str  # city / town / village / ward
    doc_type: str
    title: str
    year: str
    url: str
    retrieved: str
    annotator: str  # the batch that took and labelled it
    text: str  # the excerpt as taken from the source ("" for the seeds' gold, read elsewhere)


@dataclass(frozen=True)
class RoleSentence:
    excerpt_id: str
    n: int  # the sentence's number in its excerpt (from 1)
    role: str
    text: str


@dataclass(frozen=True)
class RoleCorpus:
    excerpts: dict[str, Excerpt]
    sentences: tuple[RoleSentence, ...]

    def excerpt_of(self, sentence: RoleSentence) -> Excerpt:
        return self.excerpts[sentence.excerpt_id]

    def labelled(self) -> list[RoleSentence]:
        """The sentences with one of the four roles (``skip`` left out)."""
        return [s for s in self.sentences if s.role in ROLE_LABELS]


@dataclass(frozen=True)
class SdgSection:
    section_id: str
    municipality: str
    prefecture: str
    municipality_code: str
    doc_type: str
    title: str
    year: str
    url: str
    retrieved: str
    section: str  # the section's own title
    goals: frozenset[int]
    targets: tuple[str, ...]
    level: str  # "section" (with text) or "title" (a title paired with goals only)
    text: str
    annotator: str


@cache
def municipality_codes() -> dict[tuple[str, str], str]:
    """(prefecture, municipality) → 全国地方公共団体コード, from ``data/localgovjp.tsv``."""
    table = {}
    with data_path("localgovjp.tsv").open(encoding="utf-8") as handle:
        rows = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(rows, delimiter="\t"):
            table[(row["prefecture"], row["municipality"].replace(" ", ""))] = row["code"]
    return table


def _read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _seed_excerpts(corpus_dir: Path) -> tuple[dict[str, Excerpt], list[RoleSentence]]:
    gold = corpus_dir / "gold" / "roles.tsv"
    manifest = corpus_dir / "manifest.csv"
    if not gold.is_file() or not manifest.is_file():
        return {}, []
    excerpts = {}
    for row in _read_csv(manifest):
        excerpt_id = f"seed-{row['doc_id']}"
        excerpts[excerpt_id] = Excerpt(
            excerpt_id, row["municipality"], row["prefecture"], row["municipality_code"],
            "city", SEED_DOC_TYPES.get(row["plan_type"], "comprehensive_plan"), row["title"],
            row["period"][:4], row["source"], "", "seed-gold", "")
    sentences = []
    for n, row in enumerate(_read_csv(gold, "\t"), 1):
        if row["role"] in LABELS:
            sentences.append(RoleSentence(f"seed-{row['doc_id']}", n, row["role"], row["text"]))
    return excerpts, sentences


def read_role_corpus(corpus_dir: Path, *, seeds: bool = True, extra_batches: Sequence[Path] = ()) -> RoleCorpus:
    """Every batch's excerpts and labelled sentences (and the seeds' gold set), and those of
    ``extra_batches`` (batch folders elsewhere, e.g. corrections: :func:`correction_sources`)."""
    excerpts: dict[str, Excerpt] = {}
    sentences: list[RoleSentence] = []
    if seeds:
        seed_excerpts, seed_sentences = _seed_excerpts(corpus_dir)
        excerpts.update(seed_excerpts)
        sentences += seed_sentences
    batches = sorted((corpus_dir / "roles" / "batches").glob("*/"))
    for batch in [*batches, *(b for b in extra_batches if b.resolve() not in {x.resolve() for x in batches})]:
        if not (batch / "manifest.csv").is_file():
            continue
        for row in _read_csv(batch / "manifest.csv"):
            labels = batch / "labels" / f"{row['excerpt_id']}.tsv"
            if not labels.is_file():
                continue  # taken but not labelled: not part of the corpus
            text = (batch / "excerpts" / f"{row['excerpt_id']}.txt").read_text(encoding="utf-8")
            excerpts[row["excerpt_id"]] = Excerpt(**{f: row[f] for f in MANIFEST_FIELDS}, text=text)
            sentences += [RoleSentence(r["excerpt_id"], int(r["n"]), r["role"], r["text"])
                          for r in _read_csv(labels, "\t")]
    return RoleCorpus(excerpts, tuple(sentences))


def _seed_sdg_sections(corpus_dir: Path) -> list[SdgSection]:
    path = corpus_dir / "gold" / "sdg_komoro_003.tsv"
    seed = corpus_dir / "seeds" / "003_7408c9a1c0dcab75.txt"
    if not path.is_file() or not seed.is_file():
        return []
    lines = seed.read_text(encoding="utf-8").splitlines()
    sections = []
    for row in _read_csv(path, "\t"):
        skip = {int(n) for n in row["sdg_lines"].split(";") if n}
        text = "\n".join(lines[n - 1] for n in range(int(row["start_line"]), int(row["end_line"]) + 1)
                         if n not in skip)
        sections.append(SdgSection(
            f"seed-003-{row['measure']}", "小諸市", "長野県", "202088", "comprehensive_plan",
            "小諸市第11次基本計画（素案）", "2020", "shared/seeds/003_7408c9a1c0dcab75.txt", "",
            row["title"], frozenset(int(g) for g in row["goals"].split(";") if g), (), "section",
            text, "seed-gold"))
    return sections


def read_sdg_corpus(corpus_dir: Path, *, seeds: bool = True, level: str | None = None,
                    extra_files: Sequence[Path] = ()) -> list[SdgSection]:
    """Every batch's SDG sections (and seed 003's 施策), and the rows of ``extra_files``
    (``sections.jsonl`` files elsewhere, e.g. corrections); ``level`` keeps one level only."""
    sections = _seed_sdg_sections(corpus_dir) if seeds else []
    files = sorted((corpus_dir / "sdg" / "batches").glob("*/sections.jsonl"))
    for path in [*files, *(f for f in extra_files if f.resolve() not in {x.resolve() for x in files})]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            sections.append(SdgSection(
                **{f: row[f] for f in SDG_FIELDS if f not in ("goals", "targets")},
                goals=frozenset(int(g) for g in row["goals"]), targets=tuple(row["targets"])))
    return [s for s in sections if level is None or s.level == level]


# -- corrections from the review page -----------------------------------------------------

#: the ``url`` of the excerpts and SDG rows that ``plannlp corpus import-corrections`` wrote
#: from the review page's corrections (followed by the document's id there)
REVIEWED_URL_PREFIX = "plannlp-serve:"
#: the SDG level of a sentence whose goals a person corrected (training data only)
SENTENCE_LEVEL = "sentence"


def correction_sources(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """The role batch folders and SDG ``sections.jsonl`` files under ``paths``: each a corpus
    folder that ``import-corrections --corpus`` wrote (``roles/batches/*``, ``sdg/batches/*``),
    a role batch folder (with ``manifest.csv``), an SDG batch folder or its ``sections.jsonl``.
    A path holding none of them is a usage error."""
    from ..errors import UsageError

    role_batches: list[Path] = []
    sdg_files: list[Path] = []
    for path in map(Path, paths):
        found_roles = ([path] if (path / "manifest.csv").is_file() else
                       sorted(b for b in (path / "roles" / "batches").glob("*/") if (b / "manifest.csv").is_file()))
        found_sdg = ([path] if path.is_file() and path.name == "sections.jsonl" else
                     [path / "sections.jsonl"] if (path / "sections.jsonl").is_file() else
                     sorted((path / "sdg" / "batches").glob("*/sections.jsonl")))
        if not found_roles and not found_sdg:
            raise UsageError(
                f"No corrections in '{path}': give the folder that `plannlp corpus import-corrections "
                "DATA_DIR --corpus FOLDER` wrote (or one of its batch folders).")
        role_batches += found_roles
        sdg_files += found_sdg
    return role_batches, sdg_files


def is_reviewed(url: str) -> bool:
    """Whether an excerpt or SDG row came from the review page's corrections."""
    return url.startswith(REVIEWED_URL_PREFIX)


# -- folds ---------------------------------------------------------------------------------


def read_folds(corpus_dir: Path) -> dict[str, int]:
    """municipality code → fold (0–4), from ``corpora/folds.tsv``."""
    path = corpus_dir / "folds.tsv"
    if not path.is_file():
        return {}
    return {row["municipality_code"]: int(row["fold"]) for row in _read_csv(path, "\t")}


def assign_folds(weights: dict[str, float], fixed: dict[str, int] | None = None,
                 n_folds: int = N_FOLDS) -> dict[str, int]:
    """Municipalities to folds, balancing the weights (e.g. sentence counts).

    Municipalities already in ``fixed`` keep their fold (the assignment only grows); the
    others go, heaviest first (ties by code), to the lightest fold (ties by number).
    """
    folds = dict(fixed or {})
    load = [0.0] * n_folds
    for code, fold in folds.items():
        load[fold] += weights.get(code, 0.0)
    for code in sorted((c for c in weights if c not in folds), key=lambda c: (-weights[c], c)):
        fold = min(range(n_folds), key=lambda f: (load[f], f))
        folds[code] = fold
        load[fold] += weights[code]
    return folds


def fold_weights(roles: RoleCorpus, sdg: Sequence[SdgSection]) -> dict[str, float]:
    """A municipality's weight for the folds: its labelled sentences, plus 10 per SDG section."""
    weights: Counter[str] = Counter()
    for sentence in roles.labelled():
        weights[roles.excerpt_of(sentence).municipality_code] += 1
    for section in sdg:
        weights[section.municipality_code] += 10
    return dict(weights)


def write_folds(corpus_dir: Path, folds: dict[str, int], names: dict[str, tuple[str, str]]) -> Path:
    path = corpus_dir / "folds.tsv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["municipality_code", "prefecture", "municipality", "fold"])
        for code in sorted(folds):
            writer.writerow([code, *names[code], folds[code]])
    return path


# -- agreement -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementRow:
    excerpt_id: str
    n: int
    text: str
    first: str
    second: str
    final: str
    note: str


def read_agreement(corpus_dir: Path) -> list[AgreementRow]:
    path = corpus_dir / "roles" / "agreement.tsv"
    if not path.is_file():
        return []
    return [AgreementRow(r["excerpt_id"], int(r["n"]), r["text"], r["first"], r["second"],
                         r["final"], r["note"]) for r in _read_csv(path, "\t")]


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float:
    """Cohen's kappa of two annotators' labels of the same items."""
    n = len(first)
    if n == 0:
        return float("nan")
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    p1, p2 = Counter(first), Counter(second)
    expected = sum(p1[label] * p2[label] for label in set(p1) | set(p2)) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def agreement_figures(rows: Sequence[AgreementRow], roles: RoleCorpus) -> dict:
    if not rows:
        return {"sentences": 0, "municipalities": 0, "raw": None, "kappa": None, "confusion": {}}
    first = [r.first for r in rows]
    second = [r.second for r in rows]
    confusion: dict[str, dict[str, int]] = {a: {b: 0 for b in LABELS} for a in LABELS}
    for a, b in zip(first, second, strict=True):
        confusion[a][b] += 1
    municipalities = {roles.excerpts[r.excerpt_id].municipality_code for r in rows if r.excerpt_id in roles.excerpts}
    # F1 of one annotator against the other (symmetric): the role model's targets measured
    # between two people, i.e. how high those targets stand against the labels' own ceiling
    f1_between = {label: scores["f1"] for label, scores in per_class(first, second, ROLE_LABELS).items()}
    main_roles = ROLE_LABELS[:3]
    return {
        "sentences": len(rows),
        "municipalities": len(municipalities),
        "raw": round(sum(a == b for a, b in zip(first, second, strict=True)) / len(rows), 4),
        "kappa": round(cohen_kappa(first, second), 4),
        "disagreements": sum(a != b for a, b in zip(first, second, strict=True)),
        "final_changed_first": sum(r.final != r.first for r in rows),
        "confusion": confusion,
        "f1_between": {label: round(f1, 6) for label, f1 in f1_between.items()},
        "macro_f1_between": round(sum(f1_between[label] for label in main_roles) / len(main_roles), 6),
    }


def read_sdg_readings(corpus_dir: Path) -> dict[str, dict[str, frozenset[int]]]:
    """The blind readings of the SDG sections (``corpora/sdg/agreement/<reader>.tsv``: a
    section's id and the goals a reader chose from its heading and text alone), by reader."""
    readings = {}
    for path in sorted((corpus_dir / "sdg" / "agreement").glob("*.tsv")):
        readings[path.stem] = {row["section_id"]: frozenset(int(g) for g in row["goals"].split())
                               for row in _read_csv(path, "\t")}
    return readings


# -- statistics and checks -----------------------------------------------------------------


def corpus_stats(corpus_dir: Path) -> dict:
    """The figures ``plannlp corpus stats`` prints (see corpora/README.md)."""
    roles = read_role_corpus(corpus_dir)
    sdg = read_sdg_corpus(corpus_dir)
    folds = read_folds(corpus_dir)
    labelled = [s for s in roles.sentences]
    used = {s.excerpt_id for s in labelled}
    excerpts = [roles.excerpts[e] for e in sorted(used)]

    def count(values: Iterable[str]) -> dict[str, int]:
        return dict(sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0])))

    per_doc_type: dict[str, dict[str, int]] = {}
    per_fold: dict[str, dict[str, int]] = {}
    for s in labelled:
        excerpt = roles.excerpt_of(s)
        per_doc_type.setdefault(excerpt.doc_type, Counter())[s.role] += 1
        fold = folds.get(excerpt.municipality_code)
        per_fold.setdefault(str(fold), Counter())[s.role] += 1
    sections = [s for s in sdg if s.level == "section"]
    titles = [s for s in sdg if s.level == "title"]
    per_goal = Counter(g for s in sections for g in s.goals)
    sdg_folds = Counter(str(folds.get(s.municipality_code)) for s in sections)
    return {
        "roles": {
            "sentences": len(labelled),
            "excerpts": len(excerpts),
            "municipalities": len({e.municipality_code for e in excerpts}),
            "prefectures": len({e.prefecture for e in excerpts}),
            "per_role": {label: sum(s.role == label for s in labelled) for label in LABELS},
            "per_doc_type": {k: dict(v) for k, v in sorted(per_doc_type.items())},
            "per_municipality_kind": count(e.municipality_kind for e in
                                           {e.municipality_code: e for e in excerpts}.values()),
            "per_prefecture": count(roles.excerpt_of(s).prefecture for s in labelled),
            "per_fold": {k: dict(v) for k, v in sorted(per_fold.items())},
        },
        "sdg": {
            "sections": len(sections),
            "municipalities": len({s.municipality_code for s in sections}),
            "prefectures": len({s.prefecture for s in sections}),
            "links": sum(len(s.goals) for s in sections),
            "per_goal": {str(g): per_goal.get(g, 0) for g in SDG_GOALS},
            "per_fold": dict(sorted(sdg_folds.items())),
            "titles": {"rows": len(titles), "municipalities": len({s.municipality_code for s in titles}),
                       "links": sum(len(s.goals) for s in titles)},
        },
        "agreement": agreement_figures(read_agreement(corpus_dir), roles),
        "folds": {"municipalities": len(folds), "per_fold": dict(sorted(Counter(map(str, folds.values())).items()))},
    }


def format_stats(stats: dict) -> str:
    r, g, a = stats["roles"], stats["sdg"], stats["agreement"]
    lines = [
        f"Role corpus: {r['sentences']:,} sentences from {r['excerpts']} excerpts of "
        f"{r['municipalities']} municipalities in {r['prefectures']} prefectures",
        "  per role: " + ", ".join(f"{k} {v:,}" for k, v in r["per_role"].items()),
        "  municipalities by kind: " + ", ".join(f"{k} {v}" for k, v in r["per_municipality_kind"].items()),
        "  per document type (achievement / issue / measure / other / skip):",
    ]
    for doc_type, counts in r["per_doc_type"].items():
        lines.append(f"    {doc_type:20} " + " / ".join(str(counts.get(k, 0)) for k in LABELS)
                     + f"  ({sum(counts.values())})")
    lines.append("  per fold (achievement / issue / measure / other / skip):")
    for fold, counts in r["per_fold"].items():
        lines.append(f"    fold {fold:4} " + " / ".join(str(counts.get(k, 0)) for k in LABELS))
    lines.append("  per prefecture: " + ", ".join(f"{k} {v}" for k, v in r["per_prefecture"].items()))
    lines += [
        f"SDG corpus: {g['sections']} sections with text from {g['municipalities']} municipalities "
        f"({g['prefectures']} prefectures), {g['links']} goal links; title-only set: "
        f"{g['titles']['rows']} titles from {g['titles']['municipalities']} municipalities",
        "  per goal: " + ", ".join(f"{k}:{v}" for k, v in g["per_goal"].items()),
        "  sections per fold: " + ", ".join(f"{k}:{v}" for k, v in g["per_fold"].items()),
    ]
    if a["sentences"]:
        lines.append(f"Agreement: {a['sentences']} sentences of {a['municipalities']} municipalities "
                     f"labelled twice, blind: raw {a['raw']:.3f}, Cohen's kappa {a['kappa']:.3f} "
                     f"({a['disagreements']} disagreements, adjudicated)")
    else:
        lines.append("Agreement: no second annotation yet (corpora/roles/agreement.tsv)")
    return "\n".join(lines)


_GOAL_LINE = re.compile(r"(SDGs?|ＳＤＧｓ?)[^\n]{0,6}(ゴール|目標)\s*\d|関連するSDGs")


def corpus_problems(corpus_dir: Path) -> list[str]:
    """Everything that breaks the corpus's rules (an empty list: the corpus is sound)."""
    problems = []
    roles = read_role_corpus(corpus_dir)
    sdg = read_sdg_corpus(corpus_dir)
    folds = read_folds(corpus_dir)
    codes = municipality_codes()
    for e in roles.excerpts.values():
        if e.annotator == "seed-gold":
            continue
        missing = [f for f in MANIFEST_FIELDS if not getattr(e, f)]
        if missing:
            problems.append(f"{e.excerpt_id}: empty manifest fields {missing}")
        if codes.get((e.prefecture, e.municipality)) != e.municipality_code:
            problems.append(f"{e.excerpt_id}: {e.municipality} ({e.prefecture}) is not code {e.municipality_code}")
        if e.doc_type not in DOC_TYPES:
            problems.append(f"{e.excerpt_id}: unknown doc_type {e.doc_type}")
        if not e.url.startswith(("http://", "https://")) and not is_reviewed(e.url):
            problems.append(f"{e.excerpt_id}: the source URL is not a web address: {e.url}")
    seen: dict[str, str] = {}
    for s in roles.sentences:
        where = f"{s.excerpt_id}#{s.n}"
        if s.role not in LABELS:
            problems.append(f"{where}: unknown label {s.role!r}")
        excerpt = roles.excerpts.get(s.excerpt_id)
        if excerpt is None:
            problems.append(f"{where}: no manifest row")
            continue
        if excerpt.text and s.text not in excerpt.text.replace("\n", "") and s.text not in excerpt.text:
            problems.append(f"{where}: the sentence is not in its excerpt's text")
        key = compact_nfkc(s.text)  # a heading may recur within one excerpt, never in two
        if len(key) > 15 and key in seen and not seen[key].startswith(f"{s.excerpt_id}#"):
            problems.append(f"{where}: the same text as {seen[key]}")
        seen.setdefault(key, where)
        if excerpt.municipality_code not in folds:
            problems.append(f"{where}: municipality {excerpt.municipality} has no fold")
    seen_sections: dict[str, str] = {}
    for s in sdg:
        if (not s.goals and s.level != SENTENCE_LEVEL) or not s.goals <= set(SDG_GOALS):
            problems.append(f"{s.section_id}: goals {sorted(s.goals)} are not SDG goals")
        if any(int(t.split(".")[0]) not in s.goals for t in s.targets):
            problems.append(f"{s.section_id}: a target outside its goals {s.targets}")
        if s.level not in ("section", "title", SENTENCE_LEVEL):
            problems.append(f"{s.section_id}: unknown level {s.level}")
        if s.level == "section" and (len(s.text) < 20 or _GOAL_LINE.search(s.text)):
            problems.append(f"{s.section_id}: the text is missing or still names the goals")
        if s.annotator != "seed-gold" and codes.get((s.prefecture, s.municipality)) != s.municipality_code:
            problems.append(f"{s.section_id}: {s.municipality} ({s.prefecture}) is not code {s.municipality_code}")
        if s.municipality_code not in folds:
            problems.append(f"{s.section_id}: municipality {s.municipality} has no fold")
        if s.level == "section":
            key = compact_nfkc(s.text)
            if key in seen_sections:
                problems.append(f"{s.section_id}: the same text as {seen_sections[key]}")
            seen_sections.setdefault(key, s.section_id)
    for row in read_agreement(corpus_dir):
        if {row.first, row.second, row.final} - set(LABELS):
            problems.append(f"agreement {row.excerpt_id}#{row.n}: unknown label")
    sections = {s.section_id for s in sdg if s.level == "section"}
    for reader, chosen in read_sdg_readings(corpus_dir).items():
        for section_id, goals in chosen.items():
            if section_id not in sections or not goals <= set(SDG_GOALS):
                problems.append(f"SDG reading {reader}: {section_id} is not a section with text or has a goal outside 1–17")
    return problems
