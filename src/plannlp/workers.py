"""Worker processes for the per-sentence stages of a long document.

A stage registered with ``per_sentence=True`` (tokenize, classify_roles, link_sdgs) computes
each sentence's fields from that sentence and from document-level fields it does not change,
and changes nothing but ``sentences``. A run of such stages can therefore be applied to parts
of a document's sentences independently and the parts put back in order: the result is the
document a one-process run gives (tested).

:class:`SentenceWorkers` keeps ``processes - 1`` worker processes, each of which builds the
stages once when it starts (MeCab, Sudachi and the models: about a second). Workers are started
with ``spawn`` (safe whatever threads or libraries the calling process has) as soon as the pool
is made, so their start-up overlaps with the extraction and cleanup of the first document.
For a document with at least ``min_sentences`` sentences, the sentences are cut into as many
shards of about equal text length as there are processes; the workers take all but the first,
this process takes the first. A shard that fails in a worker (an exception, a worker killed by
the system) is run again here, so a user sees the error a one-process run gives.

Tokens travel back as plain tuples and are rebuilt as :class:`~plannlp.model.Token` here:
pickling NamedTuples one by one costs several times more.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from itertools import repeat
from typing import Any

from .model import PlanDocument, Sentence, Token

#: Documents with fewer sentences run in one process: below this the cost of shipping the
#: shards (about 20 µs per sentence) outweighs the work saved.
MIN_SENTENCES = 1500

StageRunner = Callable[[PlanDocument], PlanDocument]

#: In a worker process: stage name → the built stage function.
_WORKER_STAGES: dict[str, StageRunner] = {}


def _start_worker(stages: Sequence[tuple[str, Any]]) -> None:
    from .pipeline import get_stage

    for name, settings in stages:
        _WORKER_STAGES[name] = get_stage(name).factory(settings)


def _ready() -> bool:
    return bool(_WORKER_STAGES)


def _run_shard(names: Sequence[str], shard: PlanDocument) -> list[tuple[Sentence, tuple]]:
    from .pipeline import collector_paused

    with collector_paused():
        for name in names:
            shard = _WORKER_STAGES[name](shard)
        return pack(shard.sentences)


def pack(sentences: Sequence[Sentence]) -> list[tuple[Sentence, tuple]]:
    """Sentences as (sentence without tokens, tokens as plain tuples), cheap to pickle."""
    return [(replace(s, tokens=()), tuple(map(tuple, s.tokens))) for s in sentences]


def unpack(packed: Sequence[tuple[Sentence, tuple]]) -> list[Sentence]:
    new = tuple.__new__
    return [replace(s, tokens=tuple(map(new, repeat(Token, len(rows)), rows))) if rows else s
            for s, rows in packed]


def shard_bounds(sentences: Sequence[Sentence], parts: int) -> list[tuple[int, int]]:
    """``parts`` contiguous ``[start, end)`` index ranges of about equal text length."""
    total = sum(len(s.text) for s in sentences)
    bounds, start, seen = [], 0, 0
    for i, sentence in enumerate(sentences):
        seen += len(sentence.text)
        if len(bounds) < parts - 1 and seen >= total * (len(bounds) + 1) / parts:
            bounds.append((start, i + 1))
            start = i + 1
    bounds.append((start, len(sentences)))
    return bounds


class SentenceWorkers:
    """A pool of worker processes for the per-sentence stages (see the module docstring)."""

    def __init__(self, stages: Sequence[tuple[str, Any]], processes: int, *,
                 min_sentences: int = MIN_SENTENCES) -> None:
        if processes < 2:
            raise ValueError("SentenceWorkers needs at least 2 processes (this one and a worker).")
        self.processes = processes
        self.min_sentences = min_sentences
        self._executor = ProcessPoolExecutor(
            max_workers=processes - 1, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker, initargs=(list(stages),),
        )
        # start the workers now (the executor starts them on the first task)
        self._started = [self._executor.submit(_ready) for _ in range(processes - 1)]
        self.broken = False  # a worker died: the pool is unusable, documents run here
        self.documents_sharded = 0

    def worth_it(self, document: PlanDocument) -> bool:
        return not self.broken and len(document.sentences) >= self.min_sentences

    def run(self, names: Sequence[str], document: PlanDocument,
            run_here: Callable[[PlanDocument], PlanDocument]) -> PlanDocument:
        """Apply the stages ``names`` to ``document``'s sentences in shards.

        ``run_here(shard)`` applies the same stages in this process (the caller's own error
        handling included); it runs the first shard, and any shard a worker failed on.
        """
        bounds = shard_bounds(document.sentences, self.processes)
        shards = [replace(document, sentences=document.sentences[a:b]) for a, b in bounds]
        futures = [self._submit(names, shard) for shard in shards[1:]]
        first = run_here(shards[0])
        sentences = list(first.sentences)
        for shard, future in zip(shards[1:], futures, strict=True):
            try:
                if future is None:
                    raise BrokenProcessPool("the pool stopped before the shard was sent")
                sentences.extend(unpack(future.result()))
            except Exception as e:  # the worker failed: run the shard here, where errors are reported
                self.broken = self.broken or isinstance(e, BrokenProcessPool)
                sentences.extend(run_here(shard).sentences)
        self.documents_sharded += 1
        return replace(first, sentences=tuple(sentences))

    def _submit(self, names: Sequence[str], shard: PlanDocument) -> Future | None:
        try:
            return self._executor.submit(_run_shard, list(names), shard)
        except (BrokenProcessPool, RuntimeError):  # broken, or shut down
            self.broken = True
            return None

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
