"""Worker processes for one long document: its PDF pages and its per-sentence stages.

A stage registered with ``per_sentence=True`` (tokenize, classify_roles, link_sdgs) computes
each sentence's fields from that sentence and from document-level fields it does not change,
and changes nothing but ``sentences``. A run of such stages can therefore be applied to parts
of a document's sentences independently and the parts put back in order: the result is the
document a one-process run gives (tested).

:class:`DocumentWorkers` keeps ``processes - 1`` worker processes, each of which builds the
stages once when it starts (MeCab, Sudachi and the models: about 0.3 s). Workers are started
with ``spawn`` (safe whatever threads or libraries the calling process has) as soon as the pool
is made, so their start-up overlaps with the extraction of the first document.

* A PDF of at least ``min_pages`` pages is read in as many page ranges as there are processes
  (:meth:`DocumentWorkers.read_pdf_pages`); each process opens the PDF itself.
* For a document with at least ``min_sentences`` sentences, the sentences are cut into as
  many shards as there are processes, of about equal text length but for this process's,
  which is larger by :data:`WORKER_OVERHEAD` (:meth:`DocumentWorkers.run`), or by
  :data:`WORKER_OVERHEAD_WITHOUT_TOKENS` when the pipeline drops the tokens.

The workers take all parts but the first, this process takes the first. A part that fails in
a worker (an exception, a worker killed by the system) is done again here, so a user sees the
error a one-process run gives.

Tokens travel back as plain tuples and are rebuilt as :class:`~plannlp.model.Token` here:
pickling NamedTuples one by one costs several times more. A pipeline that drops its tokens
(``keep_tokens=False``, as ``plannlp ingest`` and batch runs build it) has the workers drop
them too, before anything is sent back.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from itertools import accumulate, repeat
from sys import intern
from typing import Any

from .model import PlanDocument, Sentence, Token

#: Documents with fewer sentences run in one process: below this the cost of shipping the
#: shards (about 20 µs per sentence) outweighs the work saved.
MIN_SENTENCES = 1500
#: PDFs with fewer pages are read in one process (a page takes about 2 ms).
MIN_PAGES = 64
#: A worker's shard of sentences costs about this much more than the same shard here: the
#: shard travels to the worker, which packs and pickles its tokens, and this process unpacks
#: them. So this process takes a larger shard (measured on the benchmark's 240-page document:
#: 1.2–2.0x, median 1.4).
WORKER_OVERHEAD = 0.4
#: The same when the sentences come back without their tokens (a pipeline built with
#: ``keep_tokens=False``): only the shard's trip out and the roles and links travel
#: (measured: 0.9–1.4x, median 1.1).
WORKER_OVERHEAD_WITHOUT_TOKENS = 0.1

StageRunner = Callable[[PlanDocument], PlanDocument]

#: In a worker process: stage name → the built stage function.
_WORKER_STAGES: dict[str, StageRunner] = {}


#: How often a worker checks that the process that started it is still there.
PARENT_CHECK_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def parent_watch_args() -> tuple[int, bool]:
    """What :func:`stop_with_parent` needs, computed in the parent when it creates a pool: its
    process id, and whether the kernel may signal the workers when the parent ends (only when
    the pool is made by the main thread: Linux sends the signal when the *thread* that started
    a child ends)."""
    return os.getpid(), threading.current_thread() is threading.main_thread()


def stop_with_parent(parent: int, kernel_signal: bool) -> None:
    """End this worker process when its parent process ends, however it ends (SIGKILL gives
    the parent no chance to stop its workers, which would otherwise live on, 0.5–1 GB each).

    On Linux the kernel kills the worker at once (``prctl(PR_SET_PDEATHSIG, SIGKILL)``); a
    daemon thread also checks every :data:`PARENT_CHECK_SECONDS` that the parent is still
    there (other systems, or a pool made outside the main thread).
    """
    if kernel_signal and sys.platform.startswith("linux"):
        _set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before this worker could ask
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="plannlp-parent-watch",
                     daemon=True).start()


def _set_parent_death_signal(signum: int) -> None:
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl here: the watching thread does the work
        pass


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _start_worker(stages: Sequence[tuple[str, Any]], parent: int, kernel_signal: bool) -> None:
    from .registry import get_stage

    stop_with_parent(parent, kernel_signal)
    for name, settings in stages:
        _WORKER_STAGES[name] = get_stage(name).factory(settings)


def _ready() -> bool:
    return bool(_WORKER_STAGES)


class WorkerFailed(Exception):
    """A part failed in a worker; it is done again in the main process."""


def _in_worker(fn: Callable, *args: Any) -> Any:
    """Run ``fn(*args)`` in a worker; any exception comes back as :class:`WorkerFailed`
    holding only its text (some exceptions cannot be unpickled, which would break the pool)."""
    try:
        return fn(*args)
    except Exception as e:
        raise WorkerFailed(f"{type(e).__name__}: {e}") from None


def _run_shard(names: Sequence[str], shard: PlanDocument, drop_tokens: bool) -> bytes:
    """The stages ``names`` over ``shard``, its sentences packed (see :func:`pack`), without
    their tokens if ``drop_tokens``.

    Packing and freeing the shard happen while the collector is paused: resumed with a long
    shard's tokens still alive, its first collection would walk them all (40 ms) before the
    result could leave.
    """
    from .collector import collector_paused

    with collector_paused():
        for name in names:
            shard = _WORKER_STAGES[name](shard)
        packed = pack(shard.sentences, tokens=not drop_tokens)
        del shard
    return packed


def pack(sentences: Sequence[Sentence], *, tokens: bool = True) -> bytes:
    """Sentences pickled as (sentence without tokens, tokens as plain tuples); with
    ``tokens=False`` the tokens are left out (they arrive as none).

    The tokens' strings are interned, so each distinct surface, lemma or POS is pickled once
    (a long document's tokens: 2 MB instead of 5, pickled in a tenth of the time). Pickled
    here rather than by the pool, so that the pool only copies bytes.
    """
    def plain(token: Token) -> tuple:
        surface, lemma, pos, normalized, start, end, inflection, xpos = token
        return (intern(surface), intern(lemma), intern(pos), intern(normalized), start, end,
                intern(inflection), intern(xpos))

    return pickle.dumps([(s.copy_with(tokens=()) if s.tokens else s,
                          tuple(map(plain, s.tokens)) if tokens else ()) for s in sentences],
                        protocol=pickle.HIGHEST_PROTOCOL)


def unpack(packed: bytes) -> list[Sentence]:
    new = tuple.__new__
    return [s.copy_with(tokens=tuple(map(new, repeat(Token, len(rows)), rows))) if rows else s
            for s, rows in pickle.loads(packed)]


def page_bounds(count: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` contiguous ``[start, stop)`` ranges of ``count`` pages, of about equal size."""
    cuts = [round(count * k / parts) for k in range(parts + 1)]
    return list(zip(cuts, cuts[1:], strict=False))


def shard_bounds(sentences: Sequence[Sentence], weights: Sequence[float]) -> list[tuple[int, int]]:
    """Contiguous ``[start, end)`` index ranges, one per weight, whose text lengths are about
    in proportion to the weights."""
    total = sum(len(s.text) for s in sentences)
    cuts = list(accumulate(weights))
    bounds, start, seen = [], 0, 0
    for i, sentence in enumerate(sentences):
        seen += len(sentence.text)
        if len(bounds) < len(weights) - 1 and seen >= total * cuts[len(bounds)] / cuts[-1]:
            bounds.append((start, i + 1))
            start = i + 1
    bounds.append((start, len(sentences)))
    return bounds


class DocumentWorkers:
    """A pool of worker processes for long documents (see the module docstring)."""

    def __init__(self, stages: Sequence[tuple[str, Any]], processes: int, *,
                 min_sentences: int = MIN_SENTENCES, min_pages: int = MIN_PAGES) -> None:
        if processes < 2:
            raise ValueError("DocumentWorkers needs at least 2 processes (this one and a worker).")
        self.processes = processes
        self.min_sentences = min_sentences
        self.min_pages = min_pages
        self._executor = ProcessPoolExecutor(
            max_workers=processes - 1, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker, initargs=(list(stages), *parent_watch_args()),
        )
        self.broken = False  # a worker died or never started: documents run here
        # start the workers now (the executor starts them on the first task); where processes
        # cannot be started (a sandbox, a process limit), everything runs in this process
        self._started = [f for f in (self._submit(_ready) for _ in range(processes - 1)) if f]
        self.documents_sharded = 0
        self.pdfs_shared = 0

    def wait_until_ready(self) -> None:
        """Block until every worker has built its stages (benchmarks time only the work)."""
        for started in self._started:
            started.result()

    def worth_it(self, document: PlanDocument) -> bool:
        return not self.broken and len(document.sentences) >= self.min_sentences

    def run(self, names: Sequence[str], document: PlanDocument,
            run_here: Callable[[PlanDocument], PlanDocument], *, drop_tokens: bool = False,
            halo: int = 0) -> PlanDocument:
        """Apply the stages ``names`` to ``document``'s sentences in shards.

        ``run_here(shard)`` applies the same stages in this process (the caller's own error
        handling included, and dropping the tokens if ``drop_tokens``); it runs the first
        shard, and any shard a worker failed on. With ``drop_tokens`` the workers send their
        sentences back without tokens. ``halo`` sentences on each side of a shard go with it
        (stages that read their neighbours: ``neighbours`` in the registry) and are dropped
        from its result, so a sentence at a shard's edge sees what it sees in one process.
        """
        overhead = WORKER_OVERHEAD_WITHOUT_TOKENS if drop_tokens else WORKER_OVERHEAD
        weights = [1 + overhead] + [1] * (self.processes - 1)  # this process first
        bounds = shard_bounds(document.sentences, weights)
        count = len(document.sentences)
        with_halo = [(max(0, a - halo), min(count, b + halo)) for a, b in bounds]
        shards = [replace(document, sentences=document.sentences[x:y]) for x, y in with_halo]
        futures = [self._submit(_run_shard, list(names), shard, drop_tokens)
                   for shard in shards[1:]]
        first = run_here(shards[0])
        sentences = list(first.sentences[: bounds[0][1] - bounds[0][0]])
        for shard, future, (a, b), (x, _) in zip(shards[1:], futures, bounds[1:], with_halo[1:], strict=True):
            redo_here = lambda shard=shard: pack(run_here(shard).sentences)  # noqa: E731
            sentences.extend(unpack(self._result(future, redo_here))[a - x: b - x])
        self.documents_sharded += 1
        return replace(first, sentences=tuple(sentences))

    def read_pdf_pages(self, data: bytes, path: str, settings: Any, count: int,
                       read_here: Callable[[int, int], list]) -> list:
        """Pages ``[0, count)`` of a PDF, read in page ranges (a
        :data:`plannlp.extract.pdf.PageReader`); ``read_here(start, stop)`` reads here."""
        from .extract.pdf import read_page_range

        if self.broken or count < self.min_pages:
            return read_here(0, count)
        bounds = page_bounds(count, self.processes)
        futures = [self._submit(read_page_range, data, path, settings, a, b) for a, b in bounds[1:]]
        reads = read_here(*bounds[0])
        for (a, b), future in zip(bounds[1:], futures, strict=True):
            reads.extend(self._result(future, lambda a=a, b=b: read_here(a, b)))
        self.pdfs_shared += 1
        return reads

    def _result(self, future: Future | None, redo_here: Callable[[], list]) -> list:
        """A worker's result, or the same part done again here if the worker failed."""
        try:
            if future is None:
                raise BrokenProcessPool("the pool stopped before the part was sent")
            return future.result()
        except Exception as e:  # here, errors are reported as a one-process run reports them
            self.broken = self.broken or isinstance(e, BrokenProcessPool)
            return redo_here()

    def _submit(self, fn: Callable, *args: Any) -> Future | None:
        try:
            return self._executor.submit(_in_worker, fn, *args)
        except (BrokenProcessPool, RuntimeError, OSError):  # broken, shut down, or no process
            self.broken = True
            return None

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
