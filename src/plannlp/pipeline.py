"""Named stages, their contracts, and pipelines built from ``pipelines/*.toml``.

A stage is registered as a *factory*: ``factory(settings) -> (PlanDocument -> PlanDocument)``.
The factory runs once when the pipeline is built (that is where a model is loaded); the
function it returns runs once per document and must not modify its input.

Each stage declares what it ``needs`` and what it ``adds`` (names of
:class:`~plannlp.model.PlanDocument` fields, or ``"tokens"``/``"roles"``/``"sdgs"`` for the
per-sentence fields). :class:`Pipeline` checks the order when it is built and rejects
unknown stage names and unknown settings.

A stage registered with ``per_sentence=True`` promises more: it changes only ``sentences``,
and each sentence's result depends on that sentence (and, with ``neighbours=k``, on the k
sentences before and after it) and on document fields it does not change. A pipeline built with ``workers=N`` runs such stages on long documents in N processes
(:mod:`plannlp.workers`); the result is the same document.

A pipeline built with ``keep_tokens=False`` drops each sentence's tokens once the last stage
that needs them has run: the JSON-LD and the tables carry no tokens, and a long document's
quarter of a million of them cost memory and, with workers, the time to send them back.

:meth:`Pipeline.ingest` and :meth:`Pipeline.run` take an optional ``progress`` callable, told
an :class:`IngestProgress` as the PDF's pages are read and before each group of stages (the
review page shows it as a percentage).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path
from typing import Any

from ._version import __version__
from .collector import collector_paused
from .errors import ConfigError, PipelineOrderError, PlanNLPError
from .extract.settings import ExtractSettings
from .model import IngestResult, PlanDocument
from .registry import DocumentFn, get_stage, make_settings

log = logging.getLogger(__name__)

#: Called after each step of a document's run with the step's name ("extract", a stage, or
#: the per-sentence stages run together, joined with "+"); progress bars listen to it.
StepCallback = Callable[[str], None]

#: What :func:`plannlp.extract.extract` provides before any stage runs.
EXTRACTED = frozenset({"source", "raw_text", "pages", "tables", "metadata"})
#: a PDF's pages are read in parts of about 1/PAGE_PARTS of them when progress is reported
PAGE_PARTS = 20


@dataclass(frozen=True)
class IngestProgress:
    """How far an ingest is: step ``step`` of ``steps`` (0 is the extraction, then one per
    group of stages run together; ``steps`` when all are done), and the pages read so far."""

    stage: str  # "extract", or the names of the stages now running ("clean, structure")
    step: int
    steps: int
    pages_done: int = 0
    pages: int = 0

    @property
    def percent(self) -> float:
        """Share done, 0–100: the steps done, each step counting alike, the extraction's part
        by its pages read."""
        within = self.pages_done / self.pages if self.step == 0 and self.pages else 0.0
        return round(100 * min(self.step + within, self.steps) / self.steps, 1)


Progress = Callable[[IngestProgress], None]


class Pipeline:
    """An ordered list of built stages. Build once, run over many documents.

    ``workers`` > 1 reads long PDFs and runs the per-sentence stages of long documents in that
    many processes (this one included; see :mod:`plannlp.workers`). The output does not
    depend on it. Call :meth:`close` (or use the pipeline as a context manager) to stop the
    workers early; they also stop when the program ends.

    ``keep_tokens=False`` drops each sentence's tokens once the last stage that needs them
    has run (for callers that only write JSON-LD or tables, which carry no tokens).
    """

    def __init__(
        self,
        stages: Iterable[str],
        *,
        settings: Mapping[str, Mapping[str, Any]] | None = None,
        extract: Mapping[str, Any] | None = None,
        name: str = "custom",
        version: str = "0",
        workers: int = 1,
        keep_tokens: bool = True,
    ) -> None:
        settings = dict(settings or {})
        self.name = name
        self.version = version
        self.stage_names: tuple[str, ...] = tuple(stages)
        unknown = sorted(set(settings) - set(self.stage_names))
        if unknown:
            raise ConfigError(f"Settings given for stages not in the pipeline: {', '.join(unknown)}.")
        try:
            self.extract_settings = ExtractSettings(**dict(extract or {}))
        except TypeError as e:
            known = ", ".join(f.name for f in dataclasses.fields(ExtractSettings))
            raise ConfigError(f"Unknown [extract] setting ({e}); it accepts: {known}.") from e

        if not isinstance(workers, int) or workers < 1:
            raise ConfigError(f"workers must be a whole number of at least 1, not {workers!r}.")
        available = set(EXTRACTED)
        self._steps: list[tuple[str, DocumentFn]] = []
        per_sentence: dict[str, Any] = {}  # stage name → settings, for the workers
        resolved: dict[str, Any] = {}
        for stage_name in self.stage_names:
            spec = get_stage(stage_name)
            missing = spec.needs - available
            if missing:
                raise PipelineOrderError(
                    f"Stage '{stage_name}' needs {', '.join(sorted(missing))}, which no earlier "
                    f"stage provides. Order given: {' → '.join(self.stage_names)}."
                )
            stage_settings = make_settings(spec, settings.get(stage_name, {}))
            resolved[stage_name] = (
                dataclasses.asdict(stage_settings) if stage_settings is not None else {}
            )
            self._steps.append((stage_name, spec.factory(stage_settings)))
            if spec.per_sentence:
                per_sentence[stage_name] = stage_settings
            available |= spec.adds
        self._groups = _group_steps(self._steps, set(per_sentence))
        #: index in ``_groups`` after which tokens are dropped (None: kept)
        self._drop_tokens_after = None if keep_tokens else _last_group_needing(
            self._groups, "tokens")
        self.workers = None
        if workers > 1 and per_sentence:
            from .workers import DocumentWorkers

            self.workers = DocumentWorkers(list(per_sentence.items()), workers)
        self.resolved_config = {
            "pipeline": {"name": name, "version": version, "stages": list(self.stage_names)},
            "extract": dataclasses.asdict(self.extract_settings),
            "stages": resolved,
        }

    # -- identity ------------------------------------------------------------------------

    @property
    def fingerprint(self) -> str:
        """Changes whenever the code version, the stages, their settings or models change."""
        blob = json.dumps(
            {"plannlp": __version__, "config": self.resolved_config, "models": self.models()},
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def models(self) -> dict[str, str]:
        """Model name → version for every model stage, as loaded."""
        found: dict[str, str] = {}
        for _, fn in self._steps:
            info = getattr(fn, "model_info", None)
            if info:
                found[info[0]] = info[1]
        return found

    # -- running -------------------------------------------------------------------------

    @property
    def steps(self) -> tuple[str, ...]:
        """The names :meth:`run` reports to its ``on_step`` callback, in order."""
        return tuple(name for name, _, _ in self._step_plan())

    def _step_plan(self) -> list[tuple[str, int, list[tuple[str, DocumentFn]]]]:
        """(name, group index, stages) of each step of :meth:`run`: the stages of a group
        that is not per-sentence one by one, a per-sentence group as one step (its stages
        run together, in worker processes or in chunks), named "tokenize+classify_roles+…"."""
        plan = []
        for i, (per_sentence, steps) in enumerate(self._groups):
            if per_sentence:
                plan.append(("+".join(name for name, _ in steps), i, steps))
            else:
                plan.extend((name, i, [(name, fn)]) for name, fn in steps)
        return plan

    def run(self, document: PlanDocument, *, on_step: StepCallback | None = None,
            progress: Progress | None = None) -> PlanDocument:
        """Apply every stage in order to an extracted document. ``on_step`` is called with
        each step's name when it is done (:attr:`steps`); each step's time is logged at DEBUG
        level (``plannlp --verbose``). ``progress`` is told before each group of stages and at
        the end, as steps 1… of :attr:`progress_steps`."""
        with collector_paused():
            told = -1
            for name, i, steps in self._step_plan():
                if progress is not None and i != told:
                    told = i
                    progress(IngestProgress(", ".join(n for n, _ in self._groups[i][1]), i + 1,
                                            self.progress_steps))
                started = time.perf_counter()
                document = self._run_steps(i, steps, document)
                log.debug("stage %s: %.2f s", name, time.perf_counter() - started)
                if on_step is not None:
                    on_step(name)
        if progress is not None:
            progress(IngestProgress("done", self.progress_steps, self.progress_steps))
        return replace(document, models=tuple(sorted(self.models().items())))

    @property
    def progress_steps(self) -> int:
        """The steps an ingest reports (:class:`IngestProgress`): the extraction and each
        group of stages (step ``progress_steps`` is the end)."""
        return len(self._groups) + 1

    def _run_steps(self, i: int, steps: list[tuple[str, DocumentFn]], document: PlanDocument
                   ) -> PlanDocument:
        per_sentence, group = self._groups[i]
        # tokens are dropped after the last stage of the last group that needs them
        drop_tokens = i == self._drop_tokens_after and steps[-1][0] == group[-1][0]
        names = [name for name, _ in steps]
        halo = sum(get_stage(name).neighbours for name in names)
        if per_sentence and self.workers is not None and self.workers.worth_it(document):
            return self.workers.run(
                names, document,
                lambda shard, steps=steps, drop=drop_tokens: _apply(steps, shard, drop),
                drop_tokens=drop_tokens, halo=halo)
        if per_sentence and drop_tokens and len(document.sentences) > CHUNK_SENTENCES:
            return _apply_in_chunks(steps, document, halo)
        return _apply(steps, document, drop_tokens)

    def close(self) -> None:
        """Stop the worker processes, if any (the pipeline then runs in one process)."""
        if self.workers is not None:
            self.workers.close()
            self.workers = None

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def ingest(
        self, source: str | Path | bytes, *, name: str | None = None, metadata: Any = None,
        progress: Progress | None = None,
    ) -> PlanDocument:
        """Extract ``source`` (a path, ``-`` for stdin, or bytes) and run the pipeline over it;
        ``progress`` (optional) is told how far it is (:class:`IngestProgress`)."""
        from .extract import extract

        page_reader = self._page_reader
        if progress is not None:
            progress(IngestProgress("extract", 0, self.progress_steps))
            page_reader = self._reporting_page_reader(progress)
        with collector_paused():
            document = extract(source, name=name, settings=self.extract_settings,
                               metadata=metadata, page_reader=page_reader)
            return self.run(document, progress=progress)

    def _reporting_page_reader(self, progress: Progress):
        """A page reader that tells ``progress`` the pages read: in parts when read in this
        process, at the end when the workers read them."""
        steps, shared = self.progress_steps, self._page_reader

        def read(data, path, settings, count, read_here):
            if shared is not None:
                reads = shared(data, path, settings, count, read_here)
            else:
                reads, part = [], max(1, -(-count // PAGE_PARTS))
                for start in range(0, count, part):
                    progress(IngestProgress("extract", 0, steps, start, count))
                    reads += read_here(start, min(count, start + part))
            progress(IngestProgress("extract", 0, steps, count, count))
            return reads

        return read

    @property
    def _page_reader(self):
        return self.workers.read_pdf_pages if self.workers is not None else None

    def ingest_safely(self, path: str | Path, *, metadata: Any = None,
                      on_step: StepCallback | None = None) -> IngestResult:
        """Like :meth:`ingest`, but any failure becomes a result with status ``failed``.

        Used by batch runs: one bad file is recorded (with the stage that failed) and the
        run goes on. Unexpected exceptions (bugs) are wrapped in :class:`StageError`.
        ``on_step`` is called with "extract" once the file is read, then as :meth:`run` says.
        """
        from .extract import extract

        start = time.perf_counter()

        def failed(error: PlanNLPError, stage: str) -> IngestResult:
            return IngestResult(str(path), "failed", error=error, stage=stage,
                                seconds=time.perf_counter() - start)

        try:
            with collector_paused():
                document = extract(path, settings=self.extract_settings, metadata=metadata,
                                   page_reader=self._page_reader)
        except PlanNLPError as e:
            return failed(e, "extract")
        except Exception as e:  # a bug while reading: report it, keep the batch alive
            return failed(StageError("extract", e, path=path), "extract")
        log.debug("stage extract: %.2f s", time.perf_counter() - start)
        if on_step is not None:
            on_step("extract")
        try:
            document = self.run(document, on_step=on_step)
        except StageError as e:
            return failed(e, e.stage)
        except PlanNLPError as e:
            return failed(e, "pipeline")
        return IngestResult(str(path), "ok", document=document, seconds=time.perf_counter() - start)

    def __repr__(self) -> str:
        return f"Pipeline({self.name!r}, stages={list(self.stage_names)!r})"


def _apply(steps: Iterable[tuple[str, DocumentFn]], document: PlanDocument,
           drop_tokens: bool = False) -> PlanDocument:
    for stage_name, fn in steps:
        try:
            document = fn(document)
        except PlanNLPError:
            raise
        except Exception as e:  # a bug in a stage: say where it happened
            raise StageError(stage_name, e, path=document.source.path) from e
        document = replace(document, stages=document.stages + (stage_name,))
    return document.without_tokens() if drop_tokens else document


#: Sentences per part when a very long document's per-sentence stages run in this process
#: and the tokens are dropped after them: only one part's tokens are in memory at a time
#: (peak memory of ``plannlp ingest --workers 1`` on one-line texts: 2 MB, 8,807 sentences,
#: 703 → 515 MB; 5 MB, 22,016 sentences, 1,311 → 604 MB; the output is the same, tested).
CHUNK_SENTENCES = 4000


def _apply_in_chunks(steps: list[tuple[str, DocumentFn]], document: PlanDocument, halo: int) -> PlanDocument:
    """``_apply(steps, document, drop_tokens=True)`` over parts of :data:`CHUNK_SENTENCES`
    sentences, each with ``halo`` neighbours on either side (as the worker shards have)."""
    count = len(document.sentences)
    sentences: list = []
    result = document
    for start in range(0, count, CHUNK_SENTENCES):
        end = min(count, start + CHUNK_SENTENCES)
        x, y = max(0, start - halo), min(count, end + halo)
        result = _apply(steps, replace(document, sentences=document.sentences[x:y]), True)
        sentences.extend(result.sentences[start - x: end - x])
    return replace(result, sentences=tuple(sentences))


def _last_group_needing(groups: list[tuple[bool, list[tuple[str, DocumentFn]]]], field: str
                        ) -> int | None:
    """Index of the last group with a stage that needs ``field``."""
    needing = [i for i, (_, steps) in enumerate(groups)
               if any(field in get_stage(name).needs for name, _ in steps)]
    return needing[-1] if needing else None


def _group_steps(steps: list[tuple[str, DocumentFn]], per_sentence: set[str]
                 ) -> list[tuple[bool, list[tuple[str, DocumentFn]]]]:
    """Consecutive steps grouped by whether they are per-sentence stages."""
    return [(flag, list(group)) for flag, group in groupby(steps, lambda step: step[0] in per_sentence)]


class StageError(PlanNLPError):
    """A stage failed unexpectedly (a bug): names the stage so the report can say where."""

    code = "E900"
    hint = "This is a bug in plannlp; please report it with the input file."

    def __init__(self, stage: str, cause: Exception, *, path: str | Path | None = None):
        self.stage = stage
        super().__init__(f"stage '{stage}' failed: {type(cause).__name__}: {cause}", path=path)


#: ``plannlp batch --ocr`` hands its OCR mode to the worker processes in this variable.
OCR_ENVIRONMENT = "PLANNLP_OCR"


def load_pipeline(name_or_path: str | Path = "default", *, workers: int = 1,
                  keep_tokens: bool = True, extract: Mapping[str, Any] | None = None,
                  ocr: str | None = None, stages: Mapping[str, Mapping[str, Any]] | None = None
                  ) -> Pipeline:
    """Build the pipeline defined in ``pipelines/NAME.toml`` (or a given .toml path).

    ``workers``: processes for the per-sentence stages of long documents; ``keep_tokens=False``:
    sentences lose their tokens once no stage needs them (see :class:`Pipeline`); ``extract``:
    ``[extract]`` settings that override the file's (``plannlp ingest --max-text-mb``); ``ocr``
    (``auto``, ``never``, ``always``) overrides the file's ``[extract] ocr`` (else the
    :data:`OCR_ENVIRONMENT` variable does, when set); ``stages``: stage settings that override
    the file's ``[stages.NAME]`` ones (``plannlp ingest --format conllu``: ``{"tokenize":
    {"xpos": True}}``).
    """
    overrides = dict(extract or {})
    from .resources import find_pipeline_file

    path = find_pipeline_file(name_or_path)
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"The pipeline file is not valid TOML: {e}", path=path) from e
    head = config.pop("pipeline", None)
    if not head or "stages" not in head:
        raise ConfigError("The pipeline file needs a [pipeline] table with a 'stages' list.", path=path)
    extract = {**config.pop("extract", {}), **overrides}
    ocr = ocr or os.environ.get(OCR_ENVIRONMENT)
    if ocr:
        extract = {**extract, "ocr": ocr}
    stage_settings = dict(config.pop("stages", {}))
    for stage_name, values in (stages or {}).items():
        stage_settings[stage_name] = {**stage_settings.get(stage_name, {}), **values}
    if config:
        raise ConfigError(f"Unknown tables in pipeline file: {', '.join(config)}.", path=path)
    unknown_head = set(head) - {"name", "version", "stages", "description"}
    if unknown_head:
        raise ConfigError(f"Unknown [pipeline] keys: {', '.join(sorted(unknown_head))}.", path=path)
    return Pipeline(
        head["stages"],
        settings=stage_settings,
        extract=extract,
        name=head.get("name", path.stem),
        version=str(head.get("version", "0")),
        workers=workers,
        keep_tokens=keep_tokens,
    )
